// Preloaded (NODE_OPTIONS=--require) into Next's processes by scripts/portal.ts:
// when the wrapper dies, even by kill -9, Next must not linger holding the
// port while the embedded database it points at is gone.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
