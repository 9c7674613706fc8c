package io.pcsr.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy/ recipes that cannot run here for real (no GPU, YARN, Kubernetes or EMR) run as far
 * as they can: the GPU discovery script against a stand-in nvidia-smi, the GPU smoke check's
 * refusal without a GPU, the submit recipes' dry runs, the EMR step and pod template parsed.
 * Seconds, no Spark.
 */
class StandaloneScriptsTest {
  static final Path PROJECT = Path.of(System.getProperty("pcsr.project.dir", "..")).toAbsolutePath().normalize();
  @TempDir Path tmp;

  record Result(int exit, String out) {}

  private Result bash(Map<String, String> env, String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", PROJECT.resolve(script).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " hung");
    return new Result(p.exitValue(), out);
  }

  /** A PATH holding only a stand-in nvidia-smi (or none) in front of the basic tools. */
  private String path(String nvidiaSmiBody) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin-" + (nvidiaSmiBody == null ? "none" : nvidiaSmiBody.hashCode())));
    if (nvidiaSmiBody != null) {
      Path smi = bin.resolve("nvidia-smi");
      Files.writeString(smi, "#!/bin/sh\n" + nvidiaSmiBody + "\n");
      Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin + ":/usr/bin:/bin";
  }

  @Test
  void gpuDiscoveryPrintsWhatSparkExpects() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Result two = bash(Map.of("PATH", path("case \"$*\" in *query-gpu=index*) printf '0\\n1\\n';; *) exit 1;; esac")),
        "deploy/gpu-discovery.sh");
    Assertions.assertEquals(0, two.exit(), two.out());
    JsonNode n = json.readTree(two.out());
    Assertions.assertEquals("gpu", n.get("name").asText());
    Assertions.assertEquals(List.of("0", "1"), List.of(n.get("addresses").get(0).asText(), n.get("addresses").get(1).asText()));

    if (!Files.exists(Path.of("/usr/bin/nvidia-smi")) && !Files.exists(Path.of("/bin/nvidia-smi"))) {
      Result none = bash(Map.of("PATH", path(null)), "deploy/gpu-discovery.sh");
      Assertions.assertEquals(0, none.exit(), none.out());
      Assertions.assertEquals(0, json.readTree(none.out()).get("addresses").size());
    }

    Result broken = bash(Map.of("PATH", path("echo 'NVIDIA-SMI has failed' >&2; exit 9")), "deploy/gpu-discovery.sh");
    Assertions.assertEquals(0, json.readTree(broken.out()).get("addresses").size(), broken.out());
  }

  /**
   * deploy/libtorch-release.sh: DJL's JNI only with libtorch 2.7.1; another release only when the
   * folder's libdjl_torch.so is the PCSR torch bridge built for that very release.
   */
  @Test
  void libtorchReleaseCheckAcceptsOnlyAMatchingBridge() throws Exception {
    Path check = Files.writeString(tmp.resolve("check.sh"), "fail() { echo \"refused: $*\"; exit 2; }\n"
        + "source " + PROJECT.resolve("deploy/libtorch-release.sh") + "\n"
        + "require_libtorch_release \"$1\" 2>&1\necho accepted\n");
    Result djl271 = bash(Map.of(), check.toString(), torchFolder("2.7.1+cu128", null).toString());
    Assertions.assertEquals(0, djl271.exit(), djl271.out());

    Result newer = bash(Map.of(), check.toString(), torchFolder("2.11.0+cu130", null).toString());
    Assertions.assertEquals(2, newer.exit(), newer.out());
    Assertions.assertTrue(newer.out().contains("built for libtorch 2.7.1"), newer.out());
    Assertions.assertTrue(newer.out().contains("deploy/gpu-jni/build.sh"), newer.out());

    Result bridged = bash(Map.of(), check.toString(),
        torchFolder("2.11.0+cu130", "2.11.0+cu130").toString());
    Assertions.assertEquals(0, bridged.exit(), bridged.out());
    Assertions.assertTrue(bridged.out().contains("PCSR torch bridge built for libtorch 2.11.0+cu130"),
        bridged.out());

    Result stale = bash(Map.of(), check.toString(),
        torchFolder("2.11.0+cu130", "2.14.1+cu130").toString());
    Assertions.assertEquals(2, stale.exit(), stale.out());
    Assertions.assertTrue(stale.out().contains("rebuild it"), stale.out());
  }

  /** A pip-torch-like folder (version.py beside lib/), with a stand-in bridge library if asked. */
  private Path torchFolder(String release, String bridgeRelease) throws IOException {
    Path torch = Files.createDirectories(tmp.resolve("torch-" + release + "-" + bridgeRelease));
    Files.writeString(torch.resolve("version.py"), "__version__ = '" + release + "'\n");
    Path lib = Files.createDirectories(torch.resolve("lib"));
    if (bridgeRelease != null) {
      // the marker sits among binary bytes, as in the compiled library
      byte[] marker = ("pcsr-torch-bridge libtorch " + bridgeRelease).getBytes(StandardCharsets.US_ASCII);
      byte[] so = new byte[marker.length + 8];
      so[0] = 0x7f;
      System.arraycopy(marker, 0, so, 4, marker.length);
      Files.write(lib.resolve("libdjl_torch.so"), so);
    }
    return lib;
  }

  @Test
  void gpuSmokeRefusesClearlyWithoutAGpu() throws Exception {
    Path model = Files.writeString(tmp.resolve("m.pth"), "not read");
    Map<String, String> env = Map.of("PATH", path(null), "PCSR_CLASSPATH", tmp.toString());
    if (!Files.exists(Path.of("/usr/bin/nvidia-smi")) && !Files.exists(Path.of("/bin/nvidia-smi"))) {
      Result r = bash(env, "deploy/gpu-smoke.sh", "--model", model.toString());
      Assertions.assertEquals(2, r.exit(), r.out());
      Assertions.assertTrue(r.out().contains("no NVIDIA GPU"), r.out());
    }

    Result noNatives = bash(Map.of("PATH", path("echo 'GPU 0: NVIDIA H100 (UUID: GPU-x)'"), "PCSR_CLASSPATH", tmp.toString()),
        "deploy/gpu-smoke.sh", "--model", model.toString());
    Assertions.assertEquals(2, noNatives.exit(), noNatives.out());
    Assertions.assertTrue(noNatives.out().contains("PYTORCH_LIBRARY_PATH"), noNatives.out());
  }

  @Test
  void submitRecipesAssembleTheirCommands() throws Exception {
    Result yarn = bash(Map.of("PCSR_DRY_RUN", "1"), "deploy/submit-yarn-gpu.sh",
        "--input", "s3a://in/", "--output", "s3a://out/", "--adaptive");
    Assertions.assertEquals(0, yarn.exit(), yarn.out());
    for (String must : List.of("--master yarn", "--class io.pcsr.job.PcsrCli",
        "spark.executor.resource.gpu.amount=1", "spark.task.resource.gpu.amount=1", "spark.task.cpus=4",
        "discoveryScript=./gpu-discovery.sh", "-Dai.djl.offline=true", "spark.executorEnv.OPT_OUT_TRACKING=true",
        "PYTORCH_FLAVOR=cu128", "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE",
        "pcsr-job-spark.jar run --input s3a://in/ --output s3a://out/ --adaptive")) {
      Assertions.assertTrue(yarn.out().contains(must), "YARN recipe lacks " + must + ": " + yarn.out());
    }

    Result k8sMissing = bash(Map.of(), "deploy/submit-k8s-gpu.sh", "--input", "a", "--output", "b");
    Assertions.assertEquals(2, k8sMissing.exit(), k8sMissing.out());
    Result k8s = bash(Map.of("PCSR_DRY_RUN", "1", "PCSR_K8S_API", "https://127.0.0.1:6443", "PCSR_IMAGE", "pcsr-spark:test"),
        "deploy/submit-k8s-gpu.sh", "--input", "s3a://in/", "--output", "s3a://out/");
    Assertions.assertEquals(0, k8s.exit(), k8s.out());
    for (String must : List.of("--master k8s://https://127.0.0.1:6443", "spark.kubernetes.container.image=pcsr-spark:test",
        "spark.executor.resource.gpu.vendor=nvidia.com", "spark.executor.resource.gpu.amount=1",
        "spark.executorEnv.OMP_WAIT_POLICY=PASSIVE", "executor-pod-template.yaml",
        "local:///opt/pcsr/pcsr-job-spark.jar run")) {
      Assertions.assertTrue(k8s.out().contains(must), "Kubernetes recipe lacks " + must + ": " + k8s.out());
    }
    Map<?, ?> pod = new org.yaml.snakeyaml.Yaml().load(Files.readString(PROJECT.resolve("deploy/k8s/executor-pod-template.yaml")));
    Assertions.assertEquals("Pod", pod.get("kind"));
  }

  /**
   * The launcher lets libtorch's OpenMP threads sleep between operations (spinning, they took
   * the cores from the engine's SIMD loops) unless the user chose otherwise. A stand-in java
   * prints what it was started with.
   */
  @Test
  void launcherMakesOpenMpThreadsWaitPassivelyUnlessTold() throws Exception {
    Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
    Path java = jdk.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"OMP_WAIT_POLICY=$OMP_WAIT_POLICY\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    // empty counts as unset, whatever the environment the tests run in holds
    Map<String, String> env = new java.util.HashMap<>(Map.of("JAVA_HOME", jdk.getParent().toString(),
        "PCSR_CLASSPATH", tmp.toString(), "OMP_WAIT_POLICY", ""));
    Result byDefault = bash(env, "deploy/pcsr", "--version");
    Assertions.assertEquals(0, byDefault.exit(), byDefault.out());
    Assertions.assertTrue(byDefault.out().contains("OMP_WAIT_POLICY=PASSIVE"), byDefault.out());
    env.put("OMP_WAIT_POLICY", "ACTIVE");
    Result told = bash(env, "deploy/pcsr", "--version");
    Assertions.assertTrue(told.out().contains("OMP_WAIT_POLICY=ACTIVE"), told.out());
  }

  @Test
  void emrStepRunsTheCliWithGpus() throws Exception {
    JsonNode steps = new ObjectMapper().readTree(PROJECT.resolve("deploy/emr/step.json").toFile());
    JsonNode step = steps.get(0);
    Assertions.assertEquals("Spark", step.get("Type").asText());
    List<String> args = new ArrayList<>();
    step.get("Args").forEach(a -> args.add(a.asText()));
    Assertions.assertEquals("io.pcsr.job.PcsrCli", args.get(args.indexOf("--class") + 1));
    Assertions.assertTrue(args.contains("spark.executor.resource.gpu.amount=1"), args.toString());
    Assertions.assertTrue(args.contains("spark.executorEnv.OMP_WAIT_POLICY=PASSIVE"), args.toString());
    Assertions.assertEquals("run", args.get(args.indexOf("--input") - 1));
    new ObjectMapper().readTree(PROJECT.resolve("deploy/emr/configurations.json").toFile());
  }

  @Test
  void clusterScriptReportsWhenNothingRuns() throws Exception {
    Map<String, String> env = Map.of("PCSR_CLUSTER_DIR", tmp.resolve("cluster").toString());
    Result status = bash(env, "deploy/standalone-cluster.sh", "status");
    Assertions.assertEquals(3, status.exit(), status.out());
    Assertions.assertTrue(status.out().contains("master  not running"), status.out());
    Result submit = bash(env, "deploy/standalone-cluster.sh", "submit", "run", "--input", "x", "--output", "y");
    Assertions.assertEquals(1, submit.exit(), submit.out());
    Assertions.assertTrue(submit.out().contains("not running"), submit.out());
    Assertions.assertEquals(2, bash(env, "deploy/standalone-cluster.sh").exit());
  }
}
