package lockfile

import "hash/maphash"

// hashSeed seeds the hashes of the parser's tables; being random, it keeps a
// hostile lockfile from making their probes long.
var hashSeed = maphash.MakeSeed()

// hash32 returns 32 bits of the hash of s.
func hash32(s string) uint32 {
	h := maphash.String(hashSeed, s)
	return uint32(h ^ h>>32)
}

// table is an open-addressing hash table of int32 values whose keys the
// caller keeps. A slot holds a value and the 32-bit hash of its key, so the
// table holds no pointers for the garbage collector to scan and a probe
// compares keys only where the hashes agree.
type table struct {
	slots []uint64 // hash<<32 | value+1; 0 when empty
	used  int
}

// makeTable returns a table that holds n values without growing. A table is
// kept at most three quarters full.
func makeTable(n int) table {
	size := 8
	for size*3 < n*4 {
		size *= 2
	}
	return table{slots: make([]uint64, size)}
}

// probe returns the slot where the search for a key with hash h starts.
func (t *table) probe(h uint32) int {
	return int(h) & (len(t.slots) - 1)
}

// at returns the value in slot i if its key hash is h. A search goes on at
// the next slot, i+1 modulo the size, while at reports a different hash and
// the slot is not empty.
func (t *table) at(i int, h uint32) (v int32, match, empty bool) {
	e := t.slots[i]
	return int32(uint32(e)) - 1, uint32(e>>32) == h, e == 0
}

// next returns the slot after i.
func (t *table) next(i int) int {
	return (i + 1) & (len(t.slots) - 1)
}

// set stores v with hash h in slot i, which a search found: either the slot
// of the key, or the empty slot where the search ended.
func (t *table) set(i int, h uint32, v int32) {
	if t.slots[i] == 0 {
		t.used++
	}
	t.slots[i] = uint64(h)<<32 | uint64(uint32(v+1))
	if t.used*4 > len(t.slots)*3 {
		t.grow()
	}
}

// grow doubles the table.
func (t *table) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	for _, e := range old {
		if e == 0 {
			continue
		}
		i := t.probe(uint32(e >> 32))
		for t.slots[i] != 0 {
			i = t.next(i)
		}
		t.slots[i] = e
	}
}

// nameTable numbers the distinct gem names of a lockfile, so that the
// dependency graph can be linked by index.
type nameTable struct {
	table
	names []string // by number
}

// makeNameTable returns a nameTable that holds n names without growing.
func makeNameTable(n int) nameTable {
	return nameTable{table: makeTable(n), names: make([]string, 0, n)}
}

// id returns the number of name, giving it the next one if it is new.
func (t *nameTable) id(name string) int32 {
	h := hash32(name)
	i := t.probe(h)
	for {
		v, match, empty := t.at(i, h)
		if empty {
			break
		}
		if match && t.names[v] == name {
			return v
		}
		i = t.next(i)
	}
	v := int32(len(t.names))
	t.names = append(t.names, name)
	t.set(i, h, v)
	return v
}
