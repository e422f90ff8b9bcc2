package protoconv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// MinutesHasher implements minutes.Hasher with the published encoding: hex
// SHA-256 of the deterministic protobuf encoding of MinutesContent, which a
// consumer of MinutesSigned can recompute (events.proto documents how).
type MinutesHasher struct{}

var _ minutes.Hasher = MinutesHasher{}

// Hash implements minutes.Hasher.
func (MinutesHasher) Hash(c minutes.Content) (string, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(ContentToProto(c))
	if err != nil {
		return "", fmt.Errorf("encode minutes content: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// ContentToProto returns the MinutesContent message of c.
func ContentToProto(c minutes.Content) *assessmentv1.MinutesContent {
	out := &assessmentv1.MinutesContent{
		SessionId:    c.SessionID,
		CentreId:     c.CentreID,
		Type:         SessionTypeToProto(c.Type),
		TitleId:      c.TitleID,
		TitleVersion: c.TitleVersion,
		JuryDate:     c.JuryDate,
		Lines:        linesToProto(c.Lines),
	}
	for _, j := range c.Jurors {
		out.Jurors = append(out.Jurors, &assessmentv1.MinutesJuror{JurorSubject: j.Subject, JurorName: j.Name})
	}
	return out
}
