package seal

import "fmt"

// MaxArtifactIDLen bounds the artifact id bound into every part.
const MaxArtifactIDLen = 1024

// Part names the part being sealed: which artifact, its position, and whether
// it is the artifact's last part.
type Part struct {
	Artifact string
	Index    uint32
	Last     bool
}

func (p Part) validate() error {
	if p.Artifact == "" {
		return fmt.Errorf("seal: empty artifact id")
	}
	if len(p.Artifact) > MaxArtifactIDLen {
		return fmt.Errorf("seal: artifact id longer than %d bytes", MaxArtifactIDLen)
	}
	return nil
}
