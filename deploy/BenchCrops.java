import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * The Spark benchmark's input: 16 crops of 640x360 from a 4x4 grid over a photo (its corners
 * included), written as PNG. Run by {@code deploy/bench-crops.sh} with Java's source launcher,
 * so that only a JDK is needed.
 */
public final class BenchCrops {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int GRID = 4;

  public static void main(String[] args) throws IOException {
    BufferedImage photo = ImageIO.read(new File(args[0]));
    if (photo == null) {
      throw new IOException("not an image ImageIO can read: " + args[0]);
    }
    File out = new File(args[1]);
    for (int j = 0; j < GRID; j++) {
      for (int i = 0; i < GRID; i++) {
        int x = Math.round(i * (photo.getWidth() - WIDTH) / (float) (GRID - 1));
        int y = Math.round(j * (photo.getHeight() - HEIGHT) / (float) (GRID - 1));
        BufferedImage crop = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        crop.getGraphics().drawImage(photo.getSubimage(x, y, WIDTH, HEIGHT), 0, 0, null);
        ImageIO.write(crop, "png", new File(out, "crop-" + j + i + ".png"));
      }
    }
  }
}
