#!/usr/bin/env node
// Decides a CloudEdge approval from outside the JVM: sends the workflow's update with
// @temporalio/client and prints the workflow's answer. The update's validator refuses an
// unacceptable decision before anything is recorded, so the refusal reason comes straight back.
//
//   node approve.js --workflow-id remediation/edge-1/branch-a/20261127-1 --approver bob \
//       --endpoint http://10.0.0.7:9443 [--action KEY] [--comment TEXT]
//   node approve.js --workflow-id provider-action/cloud-1/claim-a:assign --approver bob
//   node approve.js --workflow-id ... --approver bob --reject --reason "wrong NIC"
//
// Exit codes: 0 accepted ("accepted: {...}" on stdout), 2 refused ("refused: <reason>" on stderr)
// or no such running workflow, 1 anything else (the server is not reachable, say).
'use strict';

const { Connection, Client, WorkflowNotFoundError, WorkflowUpdateFailedError } = require('@temporalio/client');
const { randomUUID } = require('node:crypto');

const USAGE = 'usage: approve.js --workflow-id ID --approver NAME [--reject --reason TEXT] [--action KEY]'
  + ' [--endpoint URL] [--comment TEXT] [--address HOST:PORT] [--namespace NS] [--request-id ID]';

function parse(argv) {
  const opts = {
    address: process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    reject: false,
  };
  const names = {
    '--address': 'address', '--namespace': 'namespace', '--workflow-id': 'workflowId', '--approver': 'approver',
    '--action': 'action', '--endpoint': 'endpoint', '--comment': 'comment', '--reason': 'reason',
    '--request-id': 'requestId',
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reject') {
      opts.reject = true;
    } else if (names[argv[i]] && i + 1 < argv.length) {
      opts[names[argv[i]]] = argv[++i];
    } else {
      throw new Error(`unknown or incomplete option ${argv[i]}\n${USAGE}`);
    }
  }
  if (!opts.workflowId) {
    throw new Error(`--workflow-id is required\n${USAGE}`);
  }
  return opts;
}

// The update's single argument: the Approval or Rejection record of the workflow, as JSON. The
// provider workflow's records have no action or endpoint; those fields are only sent when given.
function decision(opts) {
  const d = { requestId: opts.requestId || randomUUID(), approver: opts.approver || '' };
  if (opts.action !== undefined) d.action = opts.action;
  if (opts.reject) {
    d.reason = opts.reason || '';
  } else {
    if (opts.endpoint !== undefined) d.endpoint = opts.endpoint;
    d.comment = opts.comment || '';
  }
  return d;
}

async function main() {
  let opts;
  try {
    opts = parse(process.argv.slice(2));
  } catch (e) {
    console.error(`approve.js: ${e.message}`);
    return 2;
  }
  const connection = await Connection.connect({ address: opts.address });
  try {
    const client = new Client({ connection, namespace: opts.namespace });
    const handle = client.workflow.getHandle(opts.workflowId);
    const update = opts.reject ? 'submitRejection' : 'submitApproval';
    try {
      const accepted = await handle.executeUpdate(update, { args: [decision(opts)] });
      console.log(`accepted: ${JSON.stringify(accepted)}`);
      return 0;
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) {
        console.error(`refused: ${e.cause ? e.cause.message : e.message}`);
        return 2;
      }
      if (e instanceof WorkflowNotFoundError) {
        console.error(`no running workflow ${opts.workflowId} (it may have finished: the decision window is closed)`);
        return 2;
      }
      throw e;
    }
  } finally {
    await connection.close();
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`approve.js: ${e.message}`);
  process.exitCode = 1;
});
