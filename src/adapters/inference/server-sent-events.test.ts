import { describe, expect, it } from 'vitest';
import { serverSentEvents } from './server-sent-events.js';

/** A body that delivers `parts` one read at a time. */
function body(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function collect(parts: string[]) {
  const events = [];
  for await (const event of serverSentEvents(body(parts), 'test')) events.push(event);
  return events;
}

describe('serverSentEvents', () => {
  it('parses events split anywhere across reads, CRLF and CR line ends, comments and multi-line data', async () => {
    expect(
      await collect([
        ': keep-alive\r',
        '\nevent: message_start\r\nda',
        'ta: {"a":1}\r\n\r',
        '\ndata: line one\ndata: line two\n\n',
        'data:no space\r\rdata: [DONE]',
      ]),
    ).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: 'message', data: 'line one\nline two' },
      { event: 'message', data: 'no space' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('keeps multi-byte characters split between reads whole', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8));
        controller.enqueue(bytes.slice(8, 15));
        controller.enqueue(bytes.slice(15));
        controller.close();
      },
    });
    const events = [];
    for await (const event of serverSentEvents(stream, 'test')) events.push(event);
    expect(events).toEqual([{ event: 'message', data: 'héllo ✓' }]);
  });
});
