//go:build tools

// Package tools pins the OpenBao server binary (bao) built by e2e/cluster/build.sh.
package tools

import (
	_ "github.com/openbao/openbao"
)
