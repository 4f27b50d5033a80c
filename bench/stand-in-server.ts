import { ProviderStandIn } from '../test/support/provider-stand-ins.js';

/**
 * An OpenAI-shaped provider stand-in for the gateway benchmark (the one the tests use): a canned chat
 * completion, or a canned stream of a few chunks, answered at once. Sends `{ready: origin}`.
 */
const standIn = await ProviderStandIn.start('openai', { keepReceived: false });
process.send?.({ ready: standIn.origin });
