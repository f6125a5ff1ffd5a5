import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EntityStore, jsonCodec, NUMBER_CODEC, TEXT_CODEC } from '../../src/validate/entity-map.js'

describe('EntityMap', () => {
  it('keeps a Map’s behaviour when it moves to disk: values, updates in place, order of first insertion', () => {
    for (const limit of [1_000, 2]) {
      const store = new EntityStore(limit)
      try {
        const map = store.map(TEXT_CODEC)
        map.set('b', 'one')
        map.set('a', 'two')
        map.set('c', 'three')
        map.set('b', 'four')
        assert.equal(map.get('b'), 'four', `limit ${limit}`)
        assert.equal(map.get('missing'), undefined)
        assert.equal(map.size, 3)
        assert.deepEqual([...map.entries()], [['b', 'four'], ['a', 'two'], ['c', 'three']], `limit ${limit}`)
      } finally {
        store.close()
      }
    }
  })

  it('round-trips numbers and objects, and hands out copies once on disk', () => {
    const store = new EntityStore(0)
    try {
      const numbers = store.map(NUMBER_CODEC)
      numbers.set('n', 2 ** 40 + 5)
      assert.equal(numbers.get('n'), 2 ** 40 + 5)
      const objects = store.map(jsonCodec<{ count: number }>())
      objects.set('x', { count: 1 })
      const copy = objects.get('x')!
      copy.count++
      assert.deepEqual(objects.get('x'), { count: 1 }, 'a change is kept only when set again')
      objects.set('x', copy)
      assert.deepEqual([...objects.values()], [{ count: 2 }])
    } finally {
      store.close()
    }
  })

  it('holds a million entries past the limit without holding them in the heap', () => {
    const store = new EntityStore(10_000)
    try {
      const map = store.map(TEXT_CODEC)
      const before = process.memoryUsage().heapUsed
      for (let i = 0; i < 1_000_000; i++) map.set(`account-${i}`, `customer-${i % 977}`)
      const grown = (process.memoryUsage().heapUsed - before) / 1024 / 1024
      assert.equal(map.get('account-999999'), `customer-${999_999 % 977}`)
      assert.equal(map.size, 1_000_000)
      // In a Map the keys and values alone take over 60 MB.
      assert.ok(grown < 30, `heap grew by ${grown.toFixed(1)} MB`)
    } finally {
      store.close()
    }
  })
})
