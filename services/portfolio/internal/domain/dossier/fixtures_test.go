package dossier_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// now is a fixed instant: 10 March 2026 in Paris.
var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

var tsgeri = refdata.Title{
	ID: "TP-00495", Version: "2008",
	Label: "Technicien(ne) supérieur(e) gestionnaire exploitant(e) de ressources informatiques",
	ActivityTypes: []refdata.ActivityType{
		{CCPCode: "CCP1", Order: 1, Label: "Exploiter et maintenir"},
		{CCPCode: "CCP2", Order: 2, Label: "Assister les utilisateurs"},
		{CCPCode: "CCP3", Order: 3, Label: "Administrer"},
	},
}

var owner = refdata.Candidate{
	ID: "cand-1", Subject: "alice@idp", BirthName: "Durand", UsageName: "Martin",
	GivenNames: []string{"Camille"}, Route: refdata.RouteTraining, Version: 1,
	Address: &refdata.PostalAddress{Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR"},
}

var sessionTitre = refdata.Session{ID: "sess-1", CentreID: "CENTRE-1", Type: refdata.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008"}

func example(ccp, title string) dossier.Example {
	return dossier.Example{
		CCPCode: ccp, Title: title,
		Tasks: "Supervised the nightly backups", Means: "Bacula, Zabbix", Collaborators: "Two technicians",
		Context:        dossier.PracticeContext{Organisation: "ACME", Unit: "IT operations", PeriodFrom: "2023-01-01", PeriodTo: "2024-06-30"},
		AdditionalInfo: "",
	}
}

// complete returns content that may be submitted for a session titre of
// tsgeri.
func complete() dossier.Content {
	return dossier.Content{
		Examples: []dossier.Example{example("CCP1", "Backups"), example("CCP2", "Help desk"), example("CCP3", "Directory")},
		Qualifications: []dossier.Qualification{
			{Title: "BTS SIO", Authority: "Ministère de l'Éducation nationale", Date: "2019-07-01"},
		},
		Sworn: dossier.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: "2026-03-01"},
	}
}

func newDossier(t *testing.T, c dossier.Content) *dossier.Dossier {
	t.Helper()
	d, err := dossier.New("dos-1", owner.ID, tsgeri, c, now)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	return d
}

// appErr returns err as an *apperr.Error or fails the test.
func appErr(t *testing.T, err error) *apperr.Error {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *apperr.Error", err)
	}
	return ae
}

// fields returns the fields of the violations of err.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, v := range appErr(t, err).Violations {
		out = append(out, v.Field)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ownCandidacy is owner's candidacy in sessionTitre.
var ownCandidacy = refdata.Candidacy{ID: "cy-1", SessionID: "sess-1", CandidateID: owner.ID}
