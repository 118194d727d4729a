// Package frontend holds the web app's build output (dist/, made by `npm run build`) embedded
// into the binary.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app: index.html at its root and Vite's hashed files under assets/.
// On a clean clone it holds only a placeholder (.gitkeep) until `npm run build` has run.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub fails only on invalid ones
	}
	return sub
}

// Built reports whether the app was built (index.html exists).
func Built() bool {
	_, err := fs.Stat(Dist(), "index.html")
	return err == nil
}
