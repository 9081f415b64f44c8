// Preloaded into worker agents the local cloud starts: exit when the local cloud is gone (even if it was
// killed with SIGKILL and could not stop us), so no worker keeps polling a dead endpoint.
const parent = Number(process.env.LOCAL_CLOUD_PID);
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}
