// Package messages turns the errors of titrepro's services into French
// sentences a person understands: the reason of a gRPC status's ErrorInfo
// (and the rule it names) gives the sentence, the BadRequest field
// violations give a sentence per field. The API keeps its English messages
// for programs; the web application shows these.
package messages

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Message is what a page shows of an error.
type Message struct {
	// Title is one short sentence: what went wrong.
	Title string
	// Detail says what to do about it, when there is something to do.
	Detail string
	// Rule names the rule of the regulation that refused ("R21"), if any.
	Rule string
	// Fields holds a French sentence per request field refused
	// (field path as the API names it, e.g. "candidate.email").
	Fields map[string]string
	// Reason is the API's reason code (for support: shown small, not as
	// the message).
	Reason string
	// Code is the gRPC code of the status.
	Code codes.Code
}

// ForError returns the Message of err, an error returned by a gRPC call.
// An error that is not a status, or a status with an unknown reason, gets
// the sentence of its code; no internal text is ever copied into it.
func ForError(err error) Message {
	if err == nil {
		return Message{}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ofCode(codes.DeadlineExceeded)
	}
	if errors.Is(err, context.Canceled) {
		return ofCode(codes.Canceled)
	}
	st, ok := status.FromError(err)
	if !ok {
		return ofCode(codes.Internal)
	}
	return ForStatus(st)
}

// ForStatus is ForError for a status.
func ForStatus(st *status.Status) Message {
	m := ofCode(st.Code())
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			m.Reason = d.GetReason()
			m.Rule = d.GetMetadata()["rule"]
			if s, ok := reasons[d.GetReason()]; ok {
				m.Title, m.Detail = s.title, s.detail
			}
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				if m.Fields == nil {
					m.Fields = map[string]string{}
				}
				m.Fields[v.GetField()] = Field(v.GetDescription())
			}
		}
	}
	if len(m.Fields) > 0 && (m.Reason == "" || m.Reason == "INVALID_ARGUMENT") {
		m.Title, m.Detail = "Certains champs sont à corriger.", "Corrigez les champs signalés puis enregistrez de nouveau."
	}
	return m
}

// Field returns the French sentence of a field violation's description,
// or a plain "value refused" when the description is not known.
func Field(description string) string {
	d := strings.TrimSpace(description)
	for _, f := range fields {
		if f.exact && d == f.en || !f.exact && strings.HasPrefix(d, f.en) {
			return f.fr
		}
	}
	return "Cette valeur n’est pas acceptée."
}

func ofCode(c codes.Code) Message {
	s, ok := byCode[c]
	if !ok {
		s = byCode[codes.Internal]
	}
	return Message{Title: s.title, Detail: s.detail, Code: c}
}

type sentence struct{ title, detail string }

// byCode is the sentence of a status whose reason is unknown.
var byCode = map[codes.Code]sentence{
	codes.InvalidArgument:    {"La demande contient des valeurs refusées.", "Vérifiez les informations saisies."},
	codes.OutOfRange:         {"La demande contient des valeurs refusées.", "Vérifiez les informations saisies."},
	codes.FailedPrecondition: {"Cette action n’est pas possible à ce stade.", "Vérifiez l’état du dossier ou de la session."},
	codes.NotFound:           {"Élément introuvable.", "Il a peut-être été supprimé, ou l’adresse est erronée."},
	codes.AlreadyExists:      {"Cet élément existe déjà.", ""},
	codes.Aborted:            {"Une autre modification est arrivée avant la vôtre.", "Rechargez la page pour voir la version à jour, puis recommencez."},
	codes.PermissionDenied:   {"Vous n’avez pas accès à cet élément.", "Si vous pensez que c’est une erreur, contactez votre centre d’examen."},
	codes.Unauthenticated:    {"Votre session a expiré.", "Reconnectez-vous pour continuer."},
	codes.ResourceExhausted:  {"Limite atteinte.", "Réduisez la taille ou le nombre des éléments envoyés, ou réessayez plus tard."},
	codes.Unavailable:        {"Le service est momentanément indisponible.", "Réessayez dans quelques instants."},
	codes.DeadlineExceeded:   {"Le service a mis trop de temps à répondre.", "Réessayez dans quelques instants."},
	codes.Canceled:           {"La demande a été interrompue.", "Réessayez."},
	codes.DataLoss:           {"Ce contenu est endommagé et ne peut pas être servi.", "Contactez l’assistance : l’incident a été enregistré."},
	codes.Internal:           {"Une erreur inattendue est survenue.", "Réessayez ; si elle persiste, contactez l’assistance."},
	codes.Unimplemented:      {"Cette action n’existe pas.", ""},
	codes.Unknown:            {"Une erreur inattendue est survenue.", "Réessayez ; si elle persiste, contactez l’assistance."},
}
