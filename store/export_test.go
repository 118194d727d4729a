package store

// SetLegChunk changes how many legs one cursor fetch reads, for tests; it returns the undo.
func SetLegChunk(n int) func() {
	old := legChunk
	legChunk = n
	return func() { legChunk = old }
}
