//go:build tools

// Package tools pins runc for the real node, built by e2e/cluster/node-build.sh (cgo, seccomp).
package tools

import (
	_ "github.com/opencontainers/runc"
)
