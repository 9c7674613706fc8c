package io.pcsr.udf.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicePlacementTest {
  private static final Device CPU = Device.cpu();

  @Test
  void withoutIsolationEachTaskUsesTheGpuSparkAssigned() {
    assertEquals(Device.gpu(3), DevicePlacement.forTask(new String[] {"3"}, 8, CPU));
    assertEquals(Device.gpu(0), DevicePlacement.forTask(new String[] {"0"}, 8, CPU));
    assertEquals(Device.gpu(5), DevicePlacement.forTask(new String[] {" 5 ", "6"}, 8, CPU));
  }

  @Test
  void withIsolationTheOnlyVisibleGpuIsDeviceZeroWhateverItsNodeAddress() {
    assertEquals(Device.gpu(0), DevicePlacement.forTask(new String[] {"3"}, 1, CPU));
    // two GPUs assigned and isolated: node addresses 4 and 5 appear as devices 0 and 1
    assertEquals(Device.gpu(0), DevicePlacement.forTask(new String[] {"4", "5"}, 2, CPU));
  }

  @Test
  void noAssignmentNoGpuOrAnUnnumberedAddressKeepsTheDefault() {
    Device fallback = Device.gpu(0);
    assertEquals(fallback, DevicePlacement.forTask(null, 4, fallback));
    assertEquals(fallback, DevicePlacement.forTask(new String[0], 4, fallback));
    assertEquals(CPU, DevicePlacement.forTask(new String[] {"1"}, 0, CPU));
    assertEquals(fallback,
        DevicePlacement.forTask(new String[] {"MIG-5b1e3f2a-0c4d"}, 4, fallback));
  }

  @Test
  void labels() {
    assertEquals("cpu", DevicePlacement.label(CPU));
    assertEquals("gpu3", DevicePlacement.label(Device.gpu(3)));
  }
}
