package cpfdeposit

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Outcome is what the Caisse's processing report says of one passage.
type Outcome string

// The outcomes of a passage.
const (
	// Accepted passages are in the holder's record.
	Accepted Outcome = "OK"
	// AlreadyKnown passages were refused as a duplicate of a passage the
	// Caisse holds already: an earlier deposit of the same award was
	// accepted, so the award is deposited.
	AlreadyKnown Outcome = "ALREADY_KNOWN"
	// Rejected passages were not recorded; they are corrected and sent
	// again in a new deposit.
	Rejected Outcome = "KO"
)

// Deposited reports whether the award is in the Caisse's records after this
// outcome.
func (o Outcome) Deposited() bool { return o == Accepted || o == AlreadyKnown }

// PassageResult is the outcome of one passage of a deposit.
type PassageResult struct {
	IDTechnique string
	// AwardID is the award of the passage, "" when the passage id was not
	// made by IDTechnique.
	AwardID string
	Outcome Outcome
	// Message is the Caisse's error message for a KO passage (kept for
	// an already-known one too).
	Message string
}

// Acknowledgement is a processing report ("accusé de traitement") of the
// Caisse.
type Acknowledgement struct {
	// FileName is the name of the deposited file.
	FileName string
	// FluxID echoes the deposit's idFlux.
	FluxID string
	// ProcessingID is the Caisse's id of the processing.
	ProcessingID string
	// Passages are the outcomes, one per idTechnique, in the report's
	// order.
	Passages []PassageResult
}

// ErrNotAnAcknowledgement is returned for a document that is not a
// processing report.
var ErrNotAnAcknowledgement = errors.New("cpfdeposit: not a processing report (root element rapport expected)")

// ParseAcknowledgement reads a processing report. A KO passage whose
// message says the passage exists already is AlreadyKnown. A passage listed
// both OK and KO counts as deposited: the Caisse holds it. The element
// names are matched whatever their namespace and the case of "Passages"
// (the reports seen use PassagesOK and PassagesKO).
func ParseAcknowledgement(r io.Reader) (Acknowledgement, error) {
	var raw struct {
		XMLName      xml.Name
		FileName     string `xml:"nomFichier"`
		FluxID       string `xml:"idFlux"`
		ProcessingID string `xml:"idTraitement"`
		Lists        []struct {
			XMLName     xml.Name
			IDTechnique []string `xml:"idTechnique"`
			Passages    []struct {
				IDTechnique string `xml:"idTechnique"`
				Message     string `xml:"messageErreur"`
			} `xml:"passage"`
		} `xml:",any"`
	}
	if err := xml.NewDecoder(r).Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return Acknowledgement{}, ErrNotAnAcknowledgement
		}
		return Acknowledgement{}, fmt.Errorf("cpfdeposit: reading the processing report: %w", err)
	}
	if raw.XMLName.Local != "rapport" {
		return Acknowledgement{}, ErrNotAnAcknowledgement
	}
	ack := Acknowledgement{
		FileName:     strings.TrimSpace(raw.FileName),
		FluxID:       strings.TrimSpace(raw.FluxID),
		ProcessingID: strings.TrimSpace(raw.ProcessingID),
	}
	index := map[string]int{}
	add := func(id string, outcome Outcome, message string) error {
		id = strings.TrimSpace(id)
		if id == "" {
			return errors.New("cpfdeposit: the processing report has a passage without idTechnique")
		}
		if i, ok := index[id]; ok {
			if !ack.Passages[i].Outcome.Deposited() && outcome.Deposited() {
				ack.Passages[i].Outcome, ack.Passages[i].Message = outcome, message
			}
			return nil
		}
		awardID, _ := AwardID(id)
		index[id] = len(ack.Passages)
		ack.Passages = append(ack.Passages, PassageResult{IDTechnique: id, AwardID: awardID, Outcome: outcome, Message: message})
		return nil
	}
	for _, l := range raw.Lists {
		switch strings.ToLower(l.XMLName.Local) {
		case "passagesok":
			for _, id := range l.IDTechnique {
				if err := add(id, Accepted, ""); err != nil {
					return Acknowledgement{}, err
				}
			}
		case "passagesko":
			for _, p := range l.Passages {
				msg := strings.TrimSpace(p.Message)
				outcome := Rejected
				if alreadyKnown(msg) {
					outcome = AlreadyKnown
				}
				if err := add(p.IDTechnique, outcome, msg); err != nil {
					return Acknowledgement{}, err
				}
			}
		}
	}
	return ack, nil
}

// alreadyKnown reports whether a KO message says that the passage exists
// already ("… existe déjà en base").
func alreadyKnown(message string) bool {
	m := strings.ToLower(message)
	return strings.Contains(m, "existe déjà") || strings.Contains(m, "existe deja")
}

// Counts returns how many passages are deposited (accepted or already
// known) and how many were rejected.
func (a Acknowledgement) Counts() (deposited, rejected int) {
	for _, p := range a.Passages {
		if p.Outcome.Deposited() {
			deposited++
		} else {
			rejected++
		}
	}
	return deposited, rejected
}

// ToResend returns the rejected passages, in the report's order: only they
// go into the next deposit, once corrected; an accepted passage sent again
// would come back as a duplicate.
func (a Acknowledgement) ToResend() []PassageResult {
	var out []PassageResult
	for _, p := range a.Passages {
		if p.Outcome == Rejected {
			out = append(out, p)
		}
	}
	return out
}
