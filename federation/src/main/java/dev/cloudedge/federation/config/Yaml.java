package dev.cloudedge.federation.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The shared YAML mapper for manifests: lenient about unknown keys, as routerd's loader is. */
public final class Yaml {
  /** Reads YAML (and therefore JSON) manifests into trees and spec records. */
  public static final ObjectMapper MAPPER = YAMLMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Yaml() {}
}
