// Prints latency (p50/p95/max) and payload size of the environments route of
// the running demo, for each example service. Not a test: figures only.
//   ./shipdeck start   (in another terminal)
//   node bench/environments-route.mjs [requests-per-service=50]
const BACKEND = process.env.SHIPDECK_BACKEND ?? 'http://localhost:7007';
const perService = Number(process.argv[2] ?? 50);
const services = [
  'storefront',
  'cart',
  'orders',
  'payments',
  'notifier',
  'worker',
];

const refresh = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
  method: 'POST',
});
if (!refresh.ok) {
  console.error(
    `guest sign-in failed (${refresh.status}); is the demo running at ${BACKEND}?`,
  );
  process.exit(1);
}
const token = (await refresh.json()).backstageIdentity.token;

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log('service       requests  p50 ms  p95 ms  max ms  bytes');
for (const service of services) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < perService; i++) {
    const start = performance.now();
    const res = await fetch(
      `${BACKEND}/api/gitops/entities/default/component/${service}/environments`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    bytes = (await res.text()).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${service.padEnd(14)}${String(perService).padStart(8)}${pct(times, 50)
      .toFixed(1)
      .padStart(8)}${pct(times, 95).toFixed(1).padStart(8)}${times
      .at(-1)
      .toFixed(1)
      .padStart(8)}${String(bytes).padStart(7)}`,
  );
}
