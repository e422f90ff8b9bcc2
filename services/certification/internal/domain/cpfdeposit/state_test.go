package cpfdeposit_test

import (
	"slices"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

func passage(awardID string, o cpfdeposit.Outcome, msg string) cpfdeposit.PassageResult {
	return cpfdeposit.PassageResult{IDTechnique: cpfdeposit.IDTechnique(awardID), AwardID: awardID, Outcome: o, Message: msg}
}

// R56 across deposits: new and rejected awards go in the next file, an
// award waiting for its report or deposited does not; a report updates the
// awards of its file, an OK counts whatever the file, a stale KO does not
// undo a later deposit, and a deposited award never goes back to KO.
func TestR56_DepositStateAcrossExportsAndReports(t *testing.T) {
	states := []cpfdeposit.State{
		{AwardID: "new", AwardDate: "2026-11-01"},
		{AwardID: "ok", AwardDate: "2026-09-01"},
		{AwardID: "ko", AwardDate: "2026-09-01"},
		{AwardID: "known", AwardDate: "2026-09-01"},
		{AwardID: "waiting", AwardDate: "2026-09-01"},
	}
	if got := cpfdeposit.ToExport(states); !slices.Equal(got, []string{"new", "ok", "ko", "known", "waiting"}) {
		t.Fatalf("first ToExport = %v", got)
	}
	states = cpfdeposit.Exported(states, "f1", []string{"ok", "ko", "known", "waiting"})
	if got := cpfdeposit.ToExport(states); !slices.Equal(got, []string{"new"}) {
		t.Errorf("ToExport while waiting = %v, want only the never-deposited award", got)
	}
	states, unknown := cpfdeposit.Apply(states, cpfdeposit.Acknowledgement{FluxID: "f1", Passages: []cpfdeposit.PassageResult{
		passage("ok", cpfdeposit.Accepted, ""),
		passage("ko", cpfdeposit.Rejected, "Aucun titulaire ne correspond"),
		passage("known", cpfdeposit.AlreadyKnown, "existe déjà en base"),
		passage("stranger", cpfdeposit.Accepted, ""),
		{IDTechnique: "1968666", Outcome: cpfdeposit.Accepted},
	}})
	if !slices.Equal(unknown, []string{"TP-stranger", "1968666"}) {
		t.Errorf("unknown = %v", unknown)
	}
	want := []cpfdeposit.State{
		{AwardID: "new", AwardDate: "2026-11-01"},
		{AwardID: "ok", AwardDate: "2026-09-01", FluxID: "f1", Outcome: cpfdeposit.Accepted},
		{AwardID: "ko", AwardDate: "2026-09-01", FluxID: "f1", Outcome: cpfdeposit.Rejected, Message: "Aucun titulaire ne correspond"},
		{AwardID: "known", AwardDate: "2026-09-01", FluxID: "f1", Outcome: cpfdeposit.AlreadyKnown, Message: "existe déjà en base"},
		{AwardID: "waiting", AwardDate: "2026-09-01", FluxID: "f1"},
	}
	if !slices.Equal(states, want) {
		t.Fatalf("after the report of f1:\n%+v\nwant\n%+v", states, want)
	}
	if got := cpfdeposit.ToExport(states); !slices.Equal(got, []string{"new", "ko"}) {
		t.Errorf("ToExport after the report = %v, want new and ko", got)
	}

	// The KO award and the new one go in f2; a late copy of f1's report
	// says KO again for it, and KO for the deposited one: neither counts.
	states = cpfdeposit.Exported(states, "f2", []string{"new", "ko", "ok"})
	if states[1].FluxID != "f1" || states[1].Outcome != cpfdeposit.Accepted {
		t.Errorf("exporting a deposited award changed it: %+v", states[1])
	}
	states, _ = cpfdeposit.Apply(states, cpfdeposit.Acknowledgement{FluxID: "f1", Passages: []cpfdeposit.PassageResult{
		passage("ko", cpfdeposit.Rejected, "stale"),
		passage("ok", cpfdeposit.Rejected, "late"),
	}})
	if s := states[2]; s.FluxID != "f2" || s.Outcome != "" {
		t.Errorf("a stale KO changed an award sent again: %+v", s)
	}
	if s := states[1]; s.Outcome != cpfdeposit.Accepted {
		t.Errorf("a deposited award went back to %s", s.Outcome)
	}
	// An OK from f1 arriving now still counts: the Caisse holds it.
	states, _ = cpfdeposit.Apply(states, cpfdeposit.Acknowledgement{FluxID: "f1", Passages: []cpfdeposit.PassageResult{
		passage("waiting", cpfdeposit.Accepted, ""),
	}})
	if s := states[4]; s.Outcome != cpfdeposit.Accepted {
		t.Errorf("an OK did not count: %+v", s)
	}

	// The day-80 alert reads the same states.
	alerts, err := cpfdeposit.Overdue(cpfdeposit.Tracking(states), "2026-12-06")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range alerts {
		ids = append(ids, a.AwardID)
	}
	if !slices.Equal(ids, []string{"ko"}) {
		t.Errorf("alerts for %v, want only ko (new is 35 days old, the others are deposited)", ids)
	}
}
