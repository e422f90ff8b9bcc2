package messages

// fieldSentence maps the English description of a field violation to
// French: exact descriptions first, then prefixes (descriptions such as
// "required: send the etag of the dossier you read" begin with a known
// one). TestEveryFieldDescriptionHasASentence keeps it complete for the
// literal descriptions in the code.
type fieldSentence struct {
	en, fr string
	exact  bool
}

var fields = []fieldSentence{
	{"required for access route VAE (R25)", "Obligatoire pour une candidature par la VAE (règle R25).", true},
	{"required: TRAINING, APPRENTICESHIP or VAE", "Choisissez une voie d’accès : formation, apprentissage ou VAE.", true},
	{"required: ILLUSTRATIVE, ANNEX or EVIDENCE", "Choisissez la nature du document.", true},
	{"required: the content_hash of the minutes you read", "Relisez le procès-verbal avant de le signer.", true},
	{"required: send the etag", "La version lue manque : rechargez la page puis recommencez.", false},
	{"required date", "Saisissez une date (jj/mm/aaaa) : ce champ est obligatoire.", false},
	{"required e-mail address, e.g. prenom.nom@example.org", "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr.", true},
	{"PROFESSIONAL or SUPERVISOR", "Choisissez le motif de l’habilitation : exercice ou encadrement du métier.", true},
	{"not in the future; empty when the juror still practises", "La date ne peut pas être dans le futur ; laissez vide si le juré exerce encore.", true},
	{"only with a derogation", "À renseigner seulement en cas de dérogation.", true},
	{"a date YYYY-MM-DD", "Saisissez une date valide (jj/mm/aaaa).", true},
	{"required", "Ce champ est obligatoire.", false},
	{"is required", "Ce champ est obligatoire.", false},
	{"not an email address", "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.", true},
	{"must be a bare email address", "Saisissez une adresse électronique seule, par exemple nom@exemple.fr.", false},
	{"must not contain control characters", "Ce texte contient des caractères non autorisés.", true},
	{"must be valid UTF-8", "Ce texte contient des caractères non autorisés.", true},
	{"must not be in the future", "La date ne peut pas être dans le futur.", true},
	{"must be a date", "Saisissez une date valide (jj/mm/aaaa).", false},
	{"must be a UUID", "Identifiant invalide.", true},
	{"must be an id (UUID)", "Identifiant invalide.", true},
	{"must be a candidate id (UUID)", "Identifiant de candidat invalide.", true},
	{"is not a valid id", "Identifiant invalide.", true},
	{"must not be negative", "La valeur ne peut pas être négative.", true},
	{"must be 1 or more", "La valeur doit être au moins 1.", true},
	{"must not be before training.start_date", "La fin de la formation ne peut pas précéder son début.", true},
	{"must be in international form", "Saisissez le numéro au format international, par exemple +33612345678.", false},
	{"must be five digits for an address in France", "Un code postal français compte cinq chiffres.", true},
	{"must be empty when the candidate is absent", "À laisser vide lorsque le candidat est absent.", true},
	{"must be empty for access route VAE", "À laisser vide pour une candidature par la VAE.", true},
	{"must be at most 10 letters, digits, spaces or hyphens", "Dix caractères au plus : lettres, chiffres, espaces ou tirets.", true},
	{"must be an ISO 3166-1 alpha-2 code", "Choisissez un pays dans la liste.", false},
	{"TITRE or CCP", "Choisissez le type de session : titre complet ou CCP.", true},
	{"a session CCP lists at least one CCP", "Une session CCP porte sur au moins un CCP : choisissez-le.", true},
	{"date YYYY-MM-DD", "Saisissez une date valide (jj/mm/aaaa).", true},
	{"not after start_date", "Le dépôt des dossiers se fait au plus tard le premier jour de la session (règle R40).", false},
	{"not before start_date", "La date de fin ne peut pas précéder la date de début.", true},
	{"not before valid_from", "La fin de validité ne peut pas précéder son début.", true},
	{"one decision per CCP of the scope (R48)", "Une décision est attendue pour chaque CCP présenté (règle R48).", false},
	{"must be TITRE or CCP", "Choisissez le type de session : titre complet ou CCP.", true},
	{"must be 14 digits", "Un numéro SIRET compte 14 chiffres.", true},
	{"is not a valid SIRET", "Ce numéro SIRET n’est pas valide (clé de contrôle).", false},
	{"is used by another example", "Un autre exemple utilise déjà cette valeur.", true},
	{"is not a result state", "État de résultat inconnu.", true},
	{"a session titre covers every CCP of the title", "Une session titre porte sur tous les CCP du titre : ne choisissez aucun CCP.", false},
	{"R36: the period must not end before it starts", "La période ne peut pas finir avant de commencer (règle R36).", false},
	{"the person must be at least", "La personne n’a pas l’âge minimal requis : vérifiez la date de naissance.", false},
	{"the person must be at most", "Cette date de naissance n’est pas plausible : vérifiez-la.", false},
	{"must be at most", "Ce texte est trop long.", false},
	{"too long", "Ce texte est trop long.", false},
}
