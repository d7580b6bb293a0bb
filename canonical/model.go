// Package canonical is ketenpoort's one model of persons and cases, shared by every source and every consumer:
// what a partner's export says, once mapped, and what a dossier is assembled from. It also holds the rules that
// make values comparable across partners (BSN elfproef, name parts, partial dates, postcodes).
//
// The package imports nothing else of ketenpoort. Its JSON Schema (canonical.schema.json) is generated from these
// types; a test fails when the checked-in schema is stale.
package canonical

import "time"

// ModelVersion is the version of the canonical model. It changes when a field changes meaning or is removed;
// adding an optional field does not change it.
const ModelVersion = "1"

// Record is what one source record maps to: the persons it names and the cases it describes, with the partners
// they mention. One GCOS case export, for example, yields one Case and a Person for each of its betrokkenen.
type Record struct {
	// ModelVersion is the canonical model version the record was mapped to.
	ModelVersion string `json:"modelVersion"`
	// Provenance says where the source record came from.
	Provenance Provenance `json:"provenance"`
	// Persons named in the source record.
	Persons []Person `json:"persons,omitempty"`
	// Cases described by the source record.
	Cases []Case `json:"cases,omitempty"`
	// Partners the source record mentions (reporters, case roles, plan actions).
	Partners []Partner `json:"partners,omitempty"`
	// Findings are data-quality remarks made while reading, validating and mapping the record; the record is
	// still processed.
	Findings []Finding `json:"findings,omitempty"`
}

// Provenance identifies the source record a canonical record was made from. Every canonical record carries it.
type Provenance struct {
	// Source is the configured source name, e.g. "gcos", "zsm", "veiligthuis", "gemeente-eindhoven", "stufbg".
	Source string `json:"source"`
	// Partner is the code of the organisation that delivered the record.
	Partner string `json:"partner,omitempty"`
	// LocalID is the record's id in the partner's own system.
	LocalID string `json:"localId"`
	// ReceivedAt is when ketenpoort took the raw message in.
	ReceivedAt time.Time `json:"receivedAt"`
	// MessageID is the id of the raw message the record was read from.
	MessageID string `json:"messageId,omitempty"`
}

// IdentifierScheme names the kind of an identifier.
type IdentifierScheme string

// Identifier schemes.
const (
	SchemeBSN          IdentifierScheme = "bsn"          // burgerservicenummer
	SchemeSKN          IdentifierScheme = "skn"          // strafrechtketennummer
	SchemeANummer      IdentifierScheme = "a-nummer"     // BRP administratienummer
	SchemeParketnummer IdentifierScheme = "parketnummer" // OM case number
	SchemeLocal        IdentifierScheme = "local"        // a partner system's own number
)

// Identifier is an identifier of a person or case as issued by one system.
type Identifier struct {
	// Scheme is the kind of identifier.
	Scheme IdentifierScheme `json:"scheme" jsonschema:"enum=bsn,enum=skn,enum=a-nummer,enum=parketnummer,enum=local"`
	// Issuer is the system or organisation that issued the value, e.g. "BRP", "OM", "gcos:zvh-bzo".
	Issuer string `json:"issuer,omitempty"`
	// Value is the identifier as normalised (a BSN is nine digits).
	Value string `json:"value"`
	// Invalid is set when the value fails its check (a BSN that fails the elfproef). Such an identifier is kept
	// for review but never used to link records.
	Invalid bool `json:"invalid,omitempty"`
}

// NameUsage is the Dutch naamgebruik: which surname(s) a person uses.
type NameUsage string

// Naamgebruik values as the BRP defines them.
const (
	NameUsageOwn          NameUsage = "E" // eigen geslachtsnaam
	NameUsagePartner      NameUsage = "P" // geslachtsnaam partner
	NameUsagePartnerOwn   NameUsage = "V" // partner, then own ("Jansen-de Vries" for a de Vries married to Jansen)
	NameUsageOwnPartner   NameUsage = "N" // own, then partner
	NameUsageUnknownValue NameUsage = ""
)

// Name holds the parts of a Dutch person name, kept separately as the BRP keeps them.
type Name struct {
	// GivenNames are the voornamen, space separated.
	GivenNames string `json:"givenNames,omitempty"`
	// Initials are the voorletters, when only those are known.
	Initials string `json:"initials,omitempty"`
	// SurnamePrefix is the voorvoegsel of the own surname ("van der", "de", "in 't").
	SurnamePrefix string `json:"surnamePrefix,omitempty"`
	// Surname is the own geslachtsnaam without its voorvoegsel.
	Surname string `json:"surname,omitempty"`
	// PartnerSurnamePrefix is the voorvoegsel of the partner's surname.
	PartnerSurnamePrefix string `json:"partnerSurnamePrefix,omitempty"`
	// PartnerSurname is the partner's geslachtsnaam, used under naamgebruik P, V and N.
	PartnerSurname string `json:"partnerSurname,omitempty"`
	// Usage is the naamgebruik: E, P, V or N.
	Usage NameUsage `json:"usage,omitempty" jsonschema:"enum=E,enum=P,enum=V,enum=N,enum="`
}

// Gender is the geslachtsaanduiding.
type Gender string

// Gender values as StUF-BG writes them.
const (
	GenderMale    Gender = "M"
	GenderFemale  Gender = "V"
	GenderUnknown Gender = "O"
)

// Address is a Dutch (or foreign) address.
type Address struct {
	// Kind is "woon" (residence), "brief" (correspondence) or "verblijf" (where the person stays).
	Kind string `json:"kind,omitempty" jsonschema:"enum=woon,enum=brief,enum=verblijf,enum="`
	// Street is the straatnaam.
	Street string `json:"street,omitempty"`
	// HouseNumber is the huisnummer.
	HouseNumber int `json:"houseNumber,omitempty"`
	// HouseLetter is the huisletter.
	HouseLetter string `json:"houseLetter,omitempty"`
	// HouseNumberAddition is the huisnummertoevoeging.
	HouseNumberAddition string `json:"houseNumberAddition,omitempty"`
	// Postcode is normalised to "1234AB".
	Postcode string `json:"postcode,omitempty"`
	// City is the woonplaats.
	City string `json:"city,omitempty"`
	// Municipality is the gemeente code (four digits) or name.
	Municipality string `json:"municipality,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code; empty means NL.
	Country string `json:"country,omitempty"`
	// ValidFrom is when the person started living there, possibly partial.
	ValidFrom *PartialDate `json:"validFrom,omitempty"`
}

// Person is one source's view of a person.
type Person struct {
	// Provenance of the person record; LocalID is the partner's person number.
	Provenance Provenance `json:"provenance"`
	// Identifiers are the person's numbers: BSN, SKN, A-nummer, partner-local numbers.
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// Name is the person's name in parts.
	Name Name `json:"name"`
	// BirthDate may be partial (year only, year and month).
	BirthDate *PartialDate `json:"birthDate,omitempty"`
	// BirthPlace is the geboorteplaats.
	BirthPlace string `json:"birthPlace,omitempty"`
	// Gender is M, V or O.
	Gender Gender `json:"gender,omitempty" jsonschema:"enum=M,enum=V,enum=O,enum="`
	// DeathDate is set for a deceased person.
	DeathDate *PartialDate `json:"deathDate,omitempty"`
	// Addresses the source knows, the current residence first.
	Addresses []Address `json:"addresses,omitempty"`
}

// CaseKind is the kind of a casus.
type CaseKind string

// Case kinds used in Zorg- en Veiligheidshuizen.
const (
	CaseKindCasusOpMaat     CaseKind = "casus-op-maat"
	CaseKindPGA             CaseKind = "pga"              // persoonsgerichte aanpak
	CaseKindTopX            CaseKind = "top-x"            // driehoek always informed
	CaseKindNazorg          CaseKind = "nazorg"           // nazorg ex-gedetineerden
	CaseKindHuiselijkGeweld CaseKind = "huiselijk-geweld" // incl. geweld in afhankelijkheidsrelaties, MDA++
	CaseKindMensenhandel    CaseKind = "mensenhandel"
	CaseKindRadicalisering  CaseKind = "radicalisering"
	CaseKindVerwardGedrag   CaseKind = "verward-gedrag"
	CaseKindJeugdgroep      CaseKind = "jeugdgroep"
	CaseKindZSM             CaseKind = "zsm"          // a ZSM zaak on a parketnummer
	CaseKindVeiligThuis     CaseKind = "veilig-thuis" // a Veilig Thuis melding dossier
	CaseKindOther           CaseKind = "overig"
)

// CaseStatus is where a case stands.
type CaseStatus string

// Case statuses.
const (
	CaseStatusReported CaseStatus = "aangemeld"      // reported, not yet screened
	CaseStatusTriage   CaseStatus = "triage"         // screened / in triage
	CaseStatusActive   CaseStatus = "in-behandeling" // under process direction
	CaseStatusClosed   CaseStatus = "afgesloten"
)

// InvolvementRole is the role a person has in a case.
type InvolvementRole string

// Involvement roles.
const (
	RoleSubject     InvolvementRole = "subject" // the person the case is about
	RolePleger      InvolvementRole = "pleger"  // perpetrator or suspect
	RoleSlachtoffer InvolvementRole = "slachtoffer"
	RoleKind        InvolvementRole = "kind"
	RoleGezinslid   InvolvementRole = "gezinslid"
	RoleGroepslid   InvolvementRole = "groepslid"
)

// Case is one source's view of a casus, a ZSM zaak or a Veilig Thuis dossier.
type Case struct {
	// Provenance of the case record; LocalID is the partner's case number.
	Provenance Provenance `json:"provenance"`
	// Identifiers of the case, such as the parketnummer.
	Identifiers []Identifier `json:"identifiers,omitempty"`
	// Kind of case.
	Kind CaseKind `json:"kind" jsonschema:"enum=casus-op-maat,enum=pga,enum=top-x,enum=nazorg,enum=huiselijk-geweld,enum=mensenhandel,enum=radicalisering,enum=verward-gedrag,enum=jeugdgroep,enum=zsm,enum=veilig-thuis,enum=overig"`
	// Labels add to the kind, e.g. "tijdelijk-huisverbod", "mda++", "beke:overlastgevend".
	Labels []string `json:"labels,omitempty"`
	// Status of the case.
	Status CaseStatus `json:"status,omitempty" jsonschema:"enum=aangemeld,enum=triage,enum=in-behandeling,enum=afgesloten,enum="`
	// AVELevel is the escalation level 1-4 (signalering, reguliere aanpak, domein-overstijgend, totale
	// escalatie); 0 when unknown.
	AVELevel int `json:"aveLevel,omitempty" jsonschema:"minimum=0,maximum=4"`
	// Themes are the problem areas (wonen, schulden, ggz, verslaving, ...).
	Themes []string `json:"themes,omitempty"`
	// Opened is when the case was opened.
	Opened *PartialDate `json:"opened,omitempty"`
	// Closed is when the case was closed.
	Closed *PartialDate `json:"closed,omitempty"`
	// Roles are the partners' roles in the case (procesregisseur, casusregisseur, ...).
	Roles []CaseRole `json:"roles,omitempty"`
	// Plan is the plan van aanpak.
	Plan *Plan `json:"plan,omitempty"`
	// SubjectInformed says whether the subject was told the case is discussed; nil when the source does not say.
	SubjectInformed *bool `json:"subjectInformed,omitempty"`
	// NotInformedReason is why the subject was not informed (for example because informing would be unsafe).
	NotInformedReason string `json:"notInformedReason,omitempty"`
	// Involvements are the persons in the case and their roles.
	Involvements []Involvement `json:"involvements,omitempty"`
	// Signals are the meldingen that led to or belong to the case.
	Signals []Signal `json:"signals,omitempty"`
	// Interventions are the care and sanction measures taken.
	Interventions []Intervention `json:"interventions,omitempty"`
}

// CaseRole is a partner's role in a case.
type CaseRole struct {
	// Role is procesregisseur, informatieregisseur, casusregisseur or deelnemer.
	Role string `json:"role"`
	// Partner is the partner's code.
	Partner string `json:"partner"`
	// Person is the name of the contact at the partner, if given.
	Contact string `json:"contact,omitempty"`
}

// Plan is a case's plan van aanpak: actions per partner with deadlines.
type Plan struct {
	// Established is when the plan was agreed.
	Established *PartialDate `json:"established,omitempty"`
	// Actions of the plan.
	Actions []PlanAction `json:"actions,omitempty"`
}

// PlanAction is one action of a plan van aanpak.
type PlanAction struct {
	// Partner responsible for the action.
	Partner string `json:"partner"`
	// Description of the action.
	Description string `json:"description"`
	// Deadline of the action.
	Deadline *PartialDate `json:"deadline,omitempty"`
	// Status is open, gereed or vervallen.
	Status string `json:"status,omitempty"`
}

// Involvement is a person's role in a case. Person refers to a Person of the same Record by its local id.
type Involvement struct {
	// Person is the local id of the involved person (Person.Provenance.LocalID) within the same record.
	Person string `json:"person"`
	// Role of the person in the case.
	Role InvolvementRole `json:"role" jsonschema:"enum=subject,enum=pleger,enum=slachtoffer,enum=kind,enum=gezinslid,enum=groepslid"`
}

// Signal is a melding: a report of an incident or concern.
type Signal struct {
	// ID is the melding's number at the reporting partner.
	ID string `json:"id,omitempty"`
	// Reported is when the melding was made.
	Reported *PartialDate `json:"reported,omitempty"`
	// Reporter is the partner code of the reporting organisation.
	Reporter string `json:"reporter,omitempty"`
	// Category is the kind of concern, e.g. "huiselijk-geweld", "overlast", "zorgmelding".
	Category string `json:"category,omitempty"`
	// ViolenceTypes lists the types of violence (Veilig Thuis), e.g. "fysiek", "psychisch", "kindermishandeling".
	ViolenceTypes []string `json:"violenceTypes,omitempty"`
	// Risk is the outcome of a risk assessment, e.g. "laag", "verhoogd", "hoog", "acuut".
	Risk string `json:"risk,omitempty"`
	// Offences are the feiten of a justice signal.
	Offences []Offence `json:"offences,omitempty"`
	// Decision is the outcome, such as a ZSM beslissing or a Veilig Thuis vervolgstap.
	Decision string `json:"decision,omitempty"`
	// Decided is when the decision was taken.
	Decided *PartialDate `json:"decided,omitempty"`
}

// Offence is a feit with its legal article.
type Offence struct {
	// Code is the feitcode.
	Code string `json:"code,omitempty"`
	// Article is the legal article, e.g. "Sr 300" or "WvSr art. 310".
	Article string `json:"article,omitempty"`
	// Description of the offence.
	Description string `json:"description,omitempty"`
	// Date the offence was committed.
	Date *PartialDate `json:"date,omitempty"`
}

// Intervention is a care or sanction measure.
type Intervention struct {
	// Domain is "zorg", "strafrecht", "bestuursrecht" or "civielrecht".
	Domain string `json:"domain" jsonschema:"enum=zorg,enum=strafrecht,enum=bestuursrecht,enum=civielrecht"`
	// Type is the measure, e.g. "huisverbod", "gebiedsverbod", "taakstraf", "ots", "schuldhulp", "ggz-behandeling".
	Type string `json:"type"`
	// Partner carrying it out.
	Partner string `json:"partner,omitempty"`
	// Start of the measure.
	Start *PartialDate `json:"start,omitempty"`
	// End of the measure.
	End *PartialDate `json:"end,omitempty"`
	// Status is gepland, lopend or beeindigd.
	Status string `json:"status,omitempty"`
}

// PartnerKind is the kind of a chain partner organisation.
type PartnerKind string

// Partner kinds.
const (
	PartnerGemeente         PartnerKind = "gemeente"
	PartnerPolitie          PartnerKind = "politie"
	PartnerOM               PartnerKind = "om"
	PartnerRvdK             PartnerKind = "rvdk"
	PartnerReclassering     PartnerKind = "reclassering"
	PartnerGGZ              PartnerKind = "ggz"
	PartnerVerslavingszorg  PartnerKind = "verslavingszorg"
	PartnerVeiligThuis      PartnerKind = "veilig-thuis"
	PartnerDJI              PartnerKind = "dji"
	PartnerSlachtofferhulp  PartnerKind = "slachtofferhulp"
	PartnerHalt             PartnerKind = "halt"
	PartnerWoningcorporatie PartnerKind = "woningcorporatie"
	PartnerZVH              PartnerKind = "zvh"
	PartnerOther            PartnerKind = "overig"
)

// Partner is a chain partner organisation.
type Partner struct {
	// Code is the partner's stable code in ketenpoort's configuration, e.g. "politie-oost-brabant".
	Code string `json:"code"`
	// Name is the organisation's name.
	Name string `json:"name,omitempty"`
	// Kind of organisation.
	Kind PartnerKind `json:"kind,omitempty" jsonschema:"enum=gemeente,enum=politie,enum=om,enum=rvdk,enum=reclassering,enum=ggz,enum=verslavingszorg,enum=veilig-thuis,enum=dji,enum=slachtofferhulp,enum=halt,enum=woningcorporatie,enum=zvh,enum=overig,enum="`
}

// Finding is a data-quality remark about a record: a schema error accepted in lenient mode, a BSN that fails the
// elfproef, a date that could not be fully read.
type Finding struct {
	// Code is a stable, machine-readable kind, e.g. "bsn-elfproef", "schema", "date-partial".
	Code string `json:"code"`
	// Path names the field or element the finding is about.
	Path string `json:"path,omitempty"`
	// Message explains the finding. It never contains the value itself when that value is personal data.
	Message string `json:"message"`
}
