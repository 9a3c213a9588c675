package lockfile

// link marks the direct dependencies and gives every spec reachable from
// them one shortest chain of names, found breadth-first from the
// DEPENDENCIES entries in file order. A dependency name matches every spec of
// that name, so all platform variants of a gem are reached together; each
// name is expanded once, which keeps the walk linear in the lockfile's size.
//
// Names are matched by the numbers the parser gave them, and the specs are
// those of p.specs that no later duplicate superseded, in file order.
func (p *parser) link() {
	n := len(p.specs)
	if len(p.lf.Specs) == 0 {
		return
	}
	work := make([]int32, len(p.names.names)+4*n)
	// Specs of one name form a chain through next, starting at first[name].
	first, work := work[:len(p.names.names)], work[len(p.names.names):]
	next, work := work[:n], work[n:]
	parent, work := work[:n], work[n:]
	depth, work := work[:n], work[n:] // 0: not reached
	queue := work[:0:n]
	for i := range first {
		first[i] = -1
	}
	for i := n - 1; i >= 0; i-- {
		if p.specs[i].Line < 0 { // superseded
			continue
		}
		name := p.specInfo[i].name
		next[i], first[name] = first[name], int32(i)
	}

	// reach enqueues every spec named name, reached from parent p at depth
	// d, unless the name was reached before.
	reach := func(name, from, d int32) {
		j := first[name]
		if j < 0 || depth[j] != 0 {
			return
		}
		for ; j >= 0; j = next[j] {
			depth[j], parent[j] = d, from
			queue = append(queue, j)
		}
	}
	for _, name := range p.topName {
		reach(name, -1, 1)
	}
	for _, i := range queue {
		p.specs[i].Direct = true
	}
	total := 0
	for qi := 0; qi < len(queue); qi++ {
		i := queue[qi]
		total += int(depth[i])
		deps := p.specInfo[i].deps
		for _, name := range p.depName[deps.lo:deps.hi] {
			reach(name, i, depth[i]+1)
		}
	}

	// Parents come before their children in the queue, so each path can
	// copy its parent's; all paths share one backing array.
	backing := make([]string, total)
	for _, i := range queue {
		d := int(depth[i])
		path := backing[:d:d]
		backing = backing[d:]
		if from := parent[i]; from >= 0 {
			copy(path, p.specs[from].Path)
		}
		path[d-1] = p.specs[i].Name
		p.specs[i].Path = path
	}
}
