package dev.forecaster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded application jar: what spark-submit needs in it, and nothing Spark brings. */
class ApplicationJarIT {
  @Test
  void carriesDeltaWithItsServiceFilesAndNeitherSparkNorSignatures() throws IOException {
    try (JarFile jar = new JarFile(Deploy.jobsJar().toFile())) {
      assertEquals(Deploy.MAIN_CLASS, jar.getManifest().getMainAttributes().getValue("Main-Class"));
      JarEntry services =
          jar.getJarEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
      assertNotNull(services, "Delta's data source registration");
      String registered =
          new String(jar.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(
          registered.contains("org.apache.spark.sql.delta.sources.DeltaDataSource"), registered);
      for (String present :
          List.of(
              "dev/forecaster/cli/ForecasterCli.class",
              "io/delta/tables/DeltaTable.class",
              "io/delta/storage/S3SingleDriverLogStore.class",
              "picocli/CommandLine.class",
              "com/typesafe/config/ConfigFactory.class",
              "reference.conf")) {
        assertNotNull(jar.getEntry(present), present);
      }
      List<String> unwanted =
          jar.stream()
              .map(JarEntry::getName)
              .filter(
                  n ->
                      n.matches("META-INF/[^/]+\\.(SF|DSA|RSA)")
                          || n.startsWith("scala/")
                          || n.startsWith("org/apache/spark/SparkContext")
                          || n.startsWith("org/apache/spark/sql/Dataset")
                          || n.startsWith("org/apache/hadoop/")
                          || n.startsWith("com/fasterxml/jackson/")
                          || n.startsWith("org/antlr/"))
              .toList();
      assertEquals(List.of(), unwanted, "provided by Spark at run time, or signatures");
    }
  }
}
