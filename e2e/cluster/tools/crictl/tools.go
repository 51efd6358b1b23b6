//go:build tools

// Package tools pins crictl, which cluster.sh uses to stop the real node's pods through the CRI at `down`.
package tools

import (
	_ "sigs.k8s.io/cri-tools/cmd/crictl"
)
