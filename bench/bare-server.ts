import Fastify from 'fastify';

/** The baseline: a bare Fastify route with a JSON body of similar size, no authentication. */
const app = Fastify({ logger: false });
const body = {
  id: 'tok_0000000000000000000000',
  name: 'bench',
  masked: 'skt_abcd…wxyz',
  scopes: ['tokens:read'],
  status: 'active',
  created_at: new Date().toISOString(),
};
app.get('/v1/tokens/self', async () => body);
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ ready: address });
