import Fastify from 'fastify';
import { profileOnRequest } from './profile.js';

/**
 * The baseline: a bare Fastify route with no authentication at all, answering a static body of the
 * same shape and size as a Token, so that the comparison isolates what verification costs.
 */
const app = Fastify({ logger: false });
const now = new Date().toISOString();
const body = {
  id: 'tok_00VcKrpeOhZ6BW4nT9cbF',
  name: 'bench-1234',
  masked: 'skt_gdKL…3E5h',
  scopes: ['tokens:read'],
  status: 'active',
  created_at: now,
  expires_at: now,
  last_used_at: now,
  last_used_ip: '127.0.0.1',
  last_used_user_agent: null,
  revoked_at: null,
  created_via: 'console',
  client_id: null,
  workload_id: null,
  replaces: null,
  replaced_by: null,
  revoke_on_first_use_of: null,
  allowed_ips: null,
  rate_limit: null,
  projects: null,
};
app.get('/v1/tokens/self', async () => body);
await profileOnRequest();
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ ready: address });
