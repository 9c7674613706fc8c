package io.pcsr.udf.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class TaskDeviceTest {
  @Test
  void outsideATaskTheEngineUsesDjlsDefaultDevice() {
    assertArrayEquals(new String[0], PcsrPartitionFunction.assignedGpus(null));
    assertEquals(Engine.getInstance().defaultDevice(), PcsrPartitionFunction.taskDevice(null));
  }

  @Test
  void theDeviceColumnNamesTheDeviceUsedAndSparksAssignment() {
    assertEquals("cpu", PcsrPartitionFunction.deviceName(Device.cpu(), new String[0]));
    assertEquals("gpu0 (spark gpu 3)",
        PcsrPartitionFunction.deviceName(Device.gpu(0), new String[] {"3"}));
    assertEquals("gpu2 (spark gpu 2,5)",
        PcsrPartitionFunction.deviceName(Device.gpu(2), new String[] {"2", "5"}));
  }
}
