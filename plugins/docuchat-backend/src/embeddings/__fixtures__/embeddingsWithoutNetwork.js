// Loaded inside the embedding worker in place of @energetic-ai/embeddings:
// every TCP connection in Node (http, https, undici's fetch) goes through
// Socket#connect, so any network access while the real package loads the
// model fails the load.
const { Socket } = require('node:net');

Socket.prototype.connect = function connect() {
  throw new Error('network access in the embedding worker');
};

module.exports = require('@energetic-ai/embeddings');
