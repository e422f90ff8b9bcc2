package protoconv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/canonjson"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// MinutesHasher implements minutes.Hasher with the published encodings
// (docs/signatures.md): the hex SHA-256 of
//   - titrepro-minutes/2: the RFC 8785 (JCS) encoding of the JSON object
//     MinutesJSON returns, which anyone recomputes from MinutesSigned or
//     from GET /v1/sessions/{id}/minutes;
//   - titrepro-minutes/1: the deterministic protobuf encoding of the
//     MinutesContent message, kept for minutes signed before version 2.
type MinutesHasher struct{}

var _ minutes.Hasher = MinutesHasher{}

// Hash implements minutes.Hasher.
func (MinutesHasher) Hash(enc minutes.Encoding, c minutes.Content) (string, error) {
	b, err := MinutesBytes(enc, c)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// MinutesBytes returns the canonical bytes of c in enc: what the content
// hash is the SHA-256 of.
func MinutesBytes(enc minutes.Encoding, c minutes.Content) ([]byte, error) {
	switch enc {
	case minutes.EncodingV4:
		b, err := canonjson.Marshal(MinutesJSONV4(ContentToProto(c), c.Version, c.PreviousHash))
		if err != nil {
			return nil, fmt.Errorf("encode minutes content: %w", err)
		}
		return b, nil
	case minutes.EncodingV3:
		b, err := canonjson.Marshal(MinutesJSONV3(ContentToProto(c), c.Version, c.PreviousHash))
		if err != nil {
			return nil, fmt.Errorf("encode minutes content: %w", err)
		}
		return b, nil
	case minutes.EncodingV2:
		b, err := canonjson.Marshal(MinutesJSON(ContentToProto(c)))
		if err != nil {
			return nil, fmt.Errorf("encode minutes content: %w", err)
		}
		return b, nil
	case minutes.EncodingV1:
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(ContentToProto(c))
		if err != nil {
			return nil, fmt.Errorf("encode minutes content: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("encode minutes content: unknown encoding %q", enc)
	}
}

// MinutesJSON returns the JSON object of titrepro-minutes/2: every field
// of MinutesContent under its proto name, always present (empty strings
// and lists included), enums by their proto names, plus "format". The
// field list is written out so that adding a field to the message never
// changes the hash of minutes already signed.
func MinutesJSON(m *assessmentv1.MinutesContent) map[string]any {
	lines := make([]map[string]any, 0, len(m.GetLines()))
	for _, l := range m.GetLines() {
		decisions := make([]map[string]any, 0, len(l.GetCcpDecisions()))
		for _, d := range l.GetCcpDecisions() {
			decisions = append(decisions, map[string]any{
				"ccp_code":   d.GetCcpCode(),
				"outcome":    d.GetOutcome().String(),
				"motivation": d.GetMotivation(),
			})
		}
		lines = append(lines, map[string]any{
			"candidacy_id":          l.GetCandidacyId(),
			"candidate_id":          l.GetCandidateId(),
			"ccp_decisions":         decisions,
			"title_outcome":         l.GetTitleOutcome().String(),
			"dossier_manifest_hash": l.GetDossierManifestHash(),
		})
	}
	jurors := make([]map[string]any, 0, len(m.GetJurors()))
	for _, j := range m.GetJurors() {
		jurors = append(jurors, map[string]any{"juror_subject": j.GetJurorSubject(), "juror_name": j.GetJurorName()})
	}
	return map[string]any{
		"format":        string(minutes.EncodingV2),
		"session_id":    m.GetSessionId(),
		"centre_id":     m.GetCentreId(),
		"type":          m.GetType().String(),
		"title_id":      m.GetTitleId(),
		"title_version": m.GetTitleVersion(),
		"jury_date":     m.GetJuryDate(),
		"lines":         lines,
		"jurors":        jurors,
	}
}

// MinutesJSONV3 returns the JSON object of titrepro-minutes/3: the members
// of titrepro-minutes/2 with "format" "titrepro-minutes/3", plus
// "minutes_version" (a number) and "previous_content_hash" (the content
// hash of the version it replaces, "" for none).
func MinutesJSONV3(m *assessmentv1.MinutesContent, version int, previousHash string) map[string]any {
	o := MinutesJSON(m)
	o["format"] = string(minutes.EncodingV3)
	o["minutes_version"] = version
	o["previous_content_hash"] = previousHash
	return o
}

// MinutesJSONV4 returns the JSON object of titrepro-minutes/4: the members
// of titrepro-minutes/3 with "format" "titrepro-minutes/4", plus
// "fraud_reports", the mention of every fraud report (R57) in filing order,
// each an object of report_id, candidacy_id, candidate_id, observe_time,
// reporter_role, reporter_name and measure (strings, always present).
func MinutesJSONV4(m *assessmentv1.MinutesContent, version int, previousHash string) map[string]any {
	o := MinutesJSONV3(m, version, previousHash)
	o["format"] = string(minutes.EncodingV4)
	reports := make([]map[string]any, 0, len(m.GetFraudReports()))
	for _, r := range m.GetFraudReports() {
		reports = append(reports, map[string]any{
			"report_id":     r.GetReportId(),
			"candidacy_id":  r.GetCandidacyId(),
			"candidate_id":  r.GetCandidateId(),
			"observe_time":  r.GetObserveTime(),
			"reporter_role": r.GetReporterRole(),
			"reporter_name": r.GetReporterName(),
			"measure":       r.GetMeasure(),
		})
	}
	o["fraud_reports"] = reports
	return o
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
		FraudReports: FraudMentionsToProto(c.FraudReports),
	}
	for _, j := range c.Jurors {
		out.Jurors = append(out.Jurors, &assessmentv1.MinutesJuror{JurorSubject: j.Subject, JurorName: j.Name})
	}
	return out
}
