import { describe, expect, test } from '@jest/globals';
import { OrderedOutput } from '../../src/pipeline/ordered-output.js';

/** A writer that records what it got and takes a macrotask per item, like a file under load. */
function slowWriter(): { written: number[]; write: (item: number) => Promise<void> } {
  const written: number[] = [];
  return {
    written,
    write: async (item) => {
      written.push(item);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('OrderedOutput', () => {
  test.each([
    ['in order', [0, 1, 2, 3, 4, 5]],
    ['reversed', [5, 4, 3, 2, 1, 0]],
    ['first one last', [1, 2, 3, 4, 5, 0]],
    ['interleaved', [1, 0, 3, 2, 5, 4]],
    ['a gap filled late', [0, 1, 3, 4, 5, 2]],
  ])('.put() %s: written in sequence order, each once', async (_name, order) => {
    const writer = slowWriter();
    const output = new OrderedOutput<number>(writer.write);
    for (const sequence of order) void output.put(sequence, sequence);
    await output.flushed();
    expect(writer.written).toEqual([0, 1, 2, 3, 4, 5]);
    expect(output.waiting).toBe(0);
  });

  test('.put() while a drain is writing: the row it waits for still gets written', async () => {
    const writer = slowWriter();
    const output = new OrderedOutput<number>(writer.write);
    void output.put(0, 0);
    // Row 1 arrives while row 0 is being written, row 2 only after that write is done.
    await new Promise((resolve) => setImmediate(resolve));
    void output.put(1, 1);
    await output.flushed();
    void output.put(3, 3);
    void output.put(2, 2);
    await output.flushed();
    expect(writer.written).toEqual([0, 1, 2, 3]);
  });

  test('.put() of rows handed in one after another without waiting: written by one drain', async () => {
    const writer = slowWriter();
    const output = new OrderedOutput<number>(writer.write);
    const count = 2000;
    for (let sequence = 0; sequence < count; sequence += 1) void output.put(sequence, sequence);
    expect(output.waiting).toBe(count);
    await output.flushed();
    expect(writer.written).toEqual(Array.from({ length: count }, (_, index) => index));
  });

  test('.waiting counts rows held back by an earlier one', async () => {
    const writer = slowWriter();
    const output = new OrderedOutput<number>(writer.write);
    void output.put(1, 1);
    void output.put(2, 2);
    await output.flushed();
    expect(output.waiting).toBe(2);
    expect(writer.written).toEqual([]);
    await output.put(0, 0);
    await output.flushed();
    expect(output.waiting).toBe(0);
  });
});
