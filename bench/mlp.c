/* Hand-written C baseline: the same MLP 2→16→16→1 (tanh), squared loss, mean loss and mean
 * gradient over 1,024 points, forward then backprop per point.
 * Run: gcc -O3 -march=native bench/mlp.c -lm -o /tmp/mlp && /tmp/mlp   (bench/batch.ts's figure)
 *
 * `mlp --serve` is the suite's C contender (bench/contenders/c.ts): it reads the point count, the
 * 337 parameters and the rows (x1, x2, y) as text from stdin, prints the mean loss and gradient
 * (%.17g, for the check), then answers each line "round <ms> <warmup 0|1>" with one line of
 * samples: ns per call, each the mean over a batch of calls lasting ≥ 50 µs, as bench/child.ts
 * times Node contenders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define H 16
#define P (H * 2 + H + H * H + H + H + 1)
#define N 1024

static double mean_grad(const double *th, const double *rows, int count, double *g) {
  const int W1 = 0, B1 = W1 + 2 * H, W2 = B1 + H, B2 = W2 + H * H, W3 = B2 + H, B3 = W3 + H;
  double a1[H], a2[H], d2[H], total = 0;
  memset(g, 0, sizeof(double) * P);
  for (int k = 0; k < count; k++) {
    double x1 = rows[3 * k], x2 = rows[3 * k + 1], y = rows[3 * k + 2];
    for (int j = 0; j < H; j++) a1[j] = tanh(th[W1 + 2 * j] * x1 + th[W1 + 2 * j + 1] * x2 + th[B1 + j]);
    double out = th[B3];
    for (int j = 0; j < H; j++) {
      double z = th[B2 + j];
      for (int i = 0; i < H; i++) z += th[W2 + H * j + i] * a1[i];
      a2[j] = tanh(z);
      out += th[W3 + j] * a2[j];
    }
    double r = out - y, gr = 2 * r;
    total += r * r;
    g[B3] += gr;
    for (int j = 0; j < H; j++) {
      g[W3 + j] += gr * a2[j];
      d2[j] = gr * th[W3 + j] * (1 - a2[j] * a2[j]);
      g[B2 + j] += d2[j];
    }
    for (int i = 0; i < H; i++) {
      double d = 0;
      for (int j = 0; j < H; j++) {
        g[W2 + H * j + i] += d2[j] * a1[i];
        d += d2[j] * th[W2 + H * j + i];
      }
      d *= 1 - a1[i] * a1[i];
      g[W1 + 2 * i] += d * x1;
      g[W1 + 2 * i + 1] += d * x2;
      g[B1 + i] += d;
    }
  }
  for (int i = 0; i < P; i++) g[i] /= count;
  return total / count;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int serve(void) {
  int count;
  if (scanf("%d", &count) != 1 || count <= 0) return 2;
  static double th[P], g[P];
  double *rows = malloc(sizeof(double) * 3 * (size_t)count);
  for (int i = 0; i < P; i++) if (scanf("%lf", &th[i]) != 1) return 2;
  for (int i = 0; i < 3 * count; i++) if (scanf("%lf", &rows[i]) != 1) return 2;
  double value = mean_grad(th, rows, count, g);
  printf("%.17g", value);
  for (int i = 0; i < P; i++) printf(" %.17g", g[i]);
  printf("\n");
  fflush(stdout);
  volatile double sink = 0;
  int batch = 0;
  double ms;
  int warmup;
  char word[16];
  while (scanf("%15s %lf %d", word, &ms, &warmup) == 3) {
    if (batch == 0) { /* calls per sample, so that a sample lasts >= 50 us */
      double t0 = now(), t;
      int calls = 0;
      do { sink += mean_grad(th, rows, count, g); calls++; } while ((t = now()) - t0 < 5);
      batch = (int)ceil(0.05 / ((t - t0) / calls));
      if (batch < 1) batch = 1;
    }
    if (warmup) { double t0 = now(); while (now() - t0 < ms / 2) sink += mean_grad(th, rows, count, g); }
    double start = now();
    int samples = 0;
    while (samples < 2 || now() - start < ms) {
      double t0 = now();
      for (int k = 0; k < batch; k++) sink += mean_grad(th, rows, count, g);
      printf(samples == 0 ? "%.1f" : " %.1f", (now() - t0) * 1e6 / batch);
      samples++;
    }
    printf("\n");
    fflush(stdout);
  }
  free(rows);
  return sink == 12345.678 ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--serve") == 0) return serve();
  static double th[P], rows[3 * N], g[P], times[400];
  unsigned s = 1;
  for (int k = 0; k < N; k++) {
    double x1, x2;
    s = s * 1664525u + 1013904223u; x1 = 4.0 * s / 4294967296.0 - 2;
    s = s * 1664525u + 1013904223u; x2 = 4.0 * s / 4294967296.0 - 2;
    rows[3 * k] = x1; rows[3 * k + 1] = x2; rows[3 * k + 2] = sin(x1) * cos(x2);
  }
  for (int i = 0; i < P; i++) { s = s * 1664525u + 1013904223u; th[i] = s / 4294967296.0 - 0.5; }
  volatile double sink = 0;
  for (int r = 0; r < 400; r++) {
    double t = now();
    sink += mean_grad(th, rows, N, g);
    times[r] = now() - t;
  }
  /* median by insertion sort */
  for (int i = 1; i < 400; i++) for (int j = i; j > 0 && times[j] < times[j - 1]; j--) { double x = times[j]; times[j] = times[j - 1]; times[j - 1] = x; }
  printf("C -O3 mean gradient, 1,024 points: median %.3f ms (loss %.12f)\n", times[200], sink / 400);
  return 0;
}
