package lockfile

// link marks the direct dependencies and gives every spec reachable from
// them one shortest chain of names, found breadth-first from the
// DEPENDENCIES entries in file order. A dependency name matches every spec of
// that name, so all platform variants of a gem are reached together; each
// name is expanded once, which keeps the walk linear in the lockfile's size.
func (lf *Lockfile) link() {
	n := len(lf.Specs)
	if n == 0 {
		return
	}
	// Specs of one name form a chain through next, starting at first[name].
	first := make(map[string]int32, n)
	next := make([]int32, n)
	for i := n - 1; i >= 0; i-- {
		name := lf.Specs[i].Name
		if j, ok := first[name]; ok {
			next[i] = j
		} else {
			next[i] = -1
		}
		first[name] = int32(i)
	}

	parent := make([]int32, n)
	depth := make([]int32, n) // 0: not reached
	queue := make([]int32, 0, n)
	// reach enqueues every spec named name, reached from parent p at depth
	// d, unless the name was reached before.
	reach := func(name string, p, d int32) {
		j, ok := first[name]
		if !ok || depth[j] != 0 {
			return
		}
		for ; j >= 0; j = next[j] {
			depth[j], parent[j] = d, p
			queue = append(queue, j)
		}
	}
	for _, d := range lf.Dependencies {
		reach(d.Name, -1, 1)
	}
	for _, i := range queue {
		lf.Specs[i].Direct = true
	}
	total := 0
	for qi := 0; qi < len(queue); qi++ {
		i := queue[qi]
		total += int(depth[i])
		for _, d := range lf.Specs[i].Dependencies {
			reach(d.Name, i, depth[i]+1)
		}
	}

	// Parents come before their children in the queue, so each path can
	// copy its parent's; all paths share one backing array.
	backing := make([]string, total)
	for _, i := range queue {
		d := int(depth[i])
		path := backing[:d:d]
		backing = backing[d:]
		if p := parent[i]; p >= 0 {
			copy(path, lf.Specs[p].Path)
		}
		path[d-1] = lf.Specs[i].Name
		lf.Specs[i].Path = path
	}
}
