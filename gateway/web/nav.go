package web

import "github.com/titrepro/titrepro/internal/auth"

// navItem is an entry of the main navigation. An item with no roles is
// for everyone; an item with roles shows only to users holding one.
type navItem struct {
	Label string
	Path  string
	Roles []auth.Role
}

// navigation is the main menu, in order. A role's space adds its entry
// here (and in spaces) when its screens land.
var navigation = []navItem{
	{Label: "Accueil", Path: "/"},
	{Label: "Vérifier un certificat", Path: "/verifier"},
	// DREETS officer (role ministry).
	{Label: "Procès-verbaux à valider", Path: "/dreets/a-valider", Roles: []auth.Role{auth.RoleMinistry}},
	{Label: "Résultats validés", Path: "/dreets/valides", Roles: []auth.Role{auth.RoleMinistry}},
	{Label: "Registres", Path: "/dreets/registres", Roles: []auth.Role{auth.RoleMinistry}},
	{Label: "Retraits", Path: "/dreets/retraits", Roles: []auth.Role{auth.RoleMinistry}},
	{Label: "Recours", Path: "/dreets/recours", Roles: []auth.Role{auth.RoleMinistry}},
	{Label: "Sanctions", Path: "/dreets/sanctions", Roles: []auth.Role{auth.RoleMinistry, auth.RoleAdmin}},
	// End of DREETS officer.
	// Centre (exam centre).
	{Label: "Sessions du centre", Path: "/centre/sessions", Roles: []auth.Role{auth.RoleCentre}},
	// Juror.
	{Label: "Mes sessions de jury", Path: "/jury", Roles: []auth.Role{auth.RoleJuror}},
	// Candidate: one entry, current on every page of the space (Page.Current
	// marks an entry's sub-pages); the space links to each of its pages.
	{Label: "Mon espace candidat", Path: "/candidat", Roles: []auth.Role{auth.RoleCandidate}},
}

// navigationFor returns the items s may see (s nil: anonymous).
func navigationFor(s *Session) []navItem {
	out := make([]navItem, 0, len(navigation))
	for _, it := range navigation {
		if len(it.Roles) == 0 || s.HasAny(it.Roles...) {
			out = append(out, it)
		}
	}
	return out
}

// space is what the home page says to each role: who it is for, what they
// do in titrepro, and where their space is (Path, empty until its screens
// exist).
type space struct {
	Role  auth.Role
	Title string // who it is for
	Name  string // the space, as in "Aller à l’espace candidat"
	Text  string
	Path  string
}

var spaces = []space{
	{Role: auth.RoleCandidate, Title: "Candidat ou candidate", Name: "l’espace candidat",
		Text: "Rédigez votre dossier professionnel, déposez vos justificatifs, suivez vos sessions d’examen, consultez vos résultats et vos certificats.",
		Path: "/candidat"},
	{Role: auth.RoleCentre, Title: "Centre d’examen", Name: "l’espace centre",
		Text: "Planifiez les sessions, composez les jurys, inscrivez les candidats et suivez le déroulement de la session.",
		Path: "/centre/sessions"},
	{Role: auth.RoleJuror, Title: "Membre du jury", Name: "l’espace jury",
		Text: "Consultez les dossiers des candidats, évaluez les compétences, délibérez et signez le procès-verbal.", Path: "/jury"},
	{Role: auth.RoleMinistry, Title: "Agent de la DREETS", Name: "l’espace DREETS",
		Text: "Validez les procès-verbaux signés par les jurys, suivez les titres délivrés, tenez les registres, et décidez des retraits, recours et sanctions.", Path: "/dreets/a-valider"},
}

// roleLabels name the roles in French.
var roleLabels = map[auth.Role]string{
	auth.RoleCandidate: "Candidat",
	auth.RoleCentre:    "Centre d’examen",
	auth.RoleJuror:     "Membre du jury",
	auth.RoleMinistry:  "Agent de la DREETS",
	auth.RoleAdmin:     "Administrateur",
}

// RoleLabel returns the French name of r.
func RoleLabel(r auth.Role) string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}
