// A model whose every call ends the worker thread, as a crash would.
exports.initModel = async () => ({
  embed: async () => process.exit(3),
});
