import { describe, expect, test } from '@jest/globals';
import { OrderedOutput } from '../../src/pipeline/ordered-output.js';

function recorder(): { written: number[]; output: OrderedOutput<number> } {
  const written: number[] = [];
  return { written, output: new OrderedOutput<number>((item) => written.push(item)) };
}

describe('OrderedOutput', () => {
  test.each([
    ['in order', [0, 1, 2, 3, 4, 5]],
    ['reversed', [5, 4, 3, 2, 1, 0]],
    ['first one last', [1, 2, 3, 4, 5, 0]],
    ['interleaved', [1, 0, 3, 2, 5, 4]],
    ['a gap filled late', [0, 1, 3, 4, 5, 2]],
  ])('.put() %s: written in sequence order, each once', (_name, order) => {
    const { written, output } = recorder();
    for (const sequence of order) output.put(sequence, sequence);
    expect(written).toEqual([0, 1, 2, 3, 4, 5]);
    expect(output.waiting).toBe(0);
  });

  test('.put() of the row in turn writes it at once, with every later row that was waiting for it', () => {
    const { written, output } = recorder();
    output.put(0, 0);
    expect(written).toEqual([0]);
    output.put(2, 2);
    output.put(3, 3);
    expect(written).toEqual([0]);
    output.put(1, 1);
    expect(written).toEqual([0, 1, 2, 3]);
  });

  test('.waiting counts rows held back by an earlier one', () => {
    const { written, output } = recorder();
    output.put(1, 1);
    output.put(2, 2);
    expect(output.waiting).toBe(2);
    expect(written).toEqual([]);
    output.put(0, 0);
    expect(output.waiting).toBe(0);
  });

  test('rows handed in in a random order: the report lists all of them in input order', () => {
    const { written, output } = recorder();
    const count = 2000;
    const order = Array.from({ length: count }, (_, index) => index);
    // Rows finish at most 16 places out of order, as with 16 requests in flight.
    for (let index = 0; index < count; index += 16) {
      const window = order.slice(index, index + 16).reverse();
      order.splice(index, window.length, ...window);
    }
    for (const sequence of order) output.put(sequence, sequence);
    expect(written).toEqual(Array.from({ length: count }, (_, index) => index));
  });
});
