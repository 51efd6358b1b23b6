//go:build tools

// Package tools pins the umoci binary built by e2e/cluster/images/tools.sh.
package tools

import (
	_ "github.com/opencontainers/umoci/cmd/umoci"
)
