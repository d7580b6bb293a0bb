package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
)

func runReviewList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "review list")
	cfgPath := fs.String("config", "", "configuration `file`")
	status := fs.String("status", identity.ReviewOpen, "open, linked or separated")
	limit := fs.Int("limit", 50, "at most this many questions (1 to 1000)")
	after := fs.Int64("after", 0, "continue a listing: only items after this `id`")
	reason := fs.String("reason", "", "only possible-match or only bsn-conflict items")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *limit < 1 || *limit > 1000 {
		return usageError("limit %d: want 1 to 1000", *limit)
	}
	if *reason != "" && *reason != identity.ReasonPossibleMatch && *reason != identity.ReasonBSNConflict {
		return usageError("reason %q: want %s or %s", *reason, identity.ReasonPossibleMatch, identity.ReasonBSNConflict)
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		items, err := r.Reviews(ctx, identity.ReviewFilter{Status: *status, Reason: *reason, Limit: *limit, AfterID: *after})
		if err != nil {
			return err
		}
		for _, it := range items {
			// An open item whose records were linked meanwhile by others (a record that matched both) asks
			// whether that link was right: separate is refused for it, persons unlink splits one off.
			now := ""
			for _, r := range itemRules(it) {
				now += "  rule " + r
			}
			if it.PersonA != "" && it.PersonA == it.PersonB {
				now = "  one person now"
			}
			if it.Items > 1 {
				// Other records of the two persons raised items of their own: one question, decided at once.
				now += fmt.Sprintf("  +%d more of these persons", it.Items-1)
			}
			fmt.Fprintf(env.Stdout, "%6d  %-15s score %6.2f  %s/%s (%s)  %s/%s (%s)%s\n", it.ID, it.Reason, it.Score,
				it.A.Source, it.A.LocalID, it.PersonA, it.B.Source, it.B.LocalID, it.PersonB, now)
		}
		if *status != identity.ReviewOpen {
			fmt.Fprintf(env.Stdout, "%d items %s\n", len(items), *status)
		} else {
			n := 0
			for _, it := range items {
				n += it.Items
			}
			fmt.Fprintf(env.Stdout, "open questions: %d (items: %d)\n", len(items), n)
		}
		if len(items) == *limit {
			also := ""
			if *reason != "" {
				also = " --reason " + *reason
			}
			fmt.Fprintf(env.Stdout, "more may follow: ketenpoort review list --status %s%s --after %d\n", *status, also, items[len(items)-1].ID)
		}
		return nil
	})
}

func runReviewDecide(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "review decide")
	cfgPath := fs.String("config", "", "configuration `file`")
	note := fs.String("note", "", "why, for the audit trail")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("name the item id and link or separate")
	}
	id, err := parseID("item id", fs.Arg(0))
	if err != nil {
		return err
	}
	v := identity.Verdict(fs.Arg(1))
	if v != identity.VerdictLink && v != identity.VerdictSeparate {
		return usageError("verdict %q: want link or separate", fs.Arg(1))
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		d, err := r.DecideReview(ctx, id, v, *note)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "item %d: %s; persons now %s and %s\n", id, v, d.PersonA, d.PersonB)
		if len(d.Also) > 0 {
			ids := make([]string, len(d.Also))
			for i, o := range d.Also {
				ids[i] = strconv.FormatInt(o, 10)
			}
			noun, done := "item", map[identity.Verdict]string{identity.VerdictLink: "linked", identity.VerdictSeparate: "separated"}[v]
			if len(ids) > 1 {
				noun = "items"
			}
			fmt.Fprintf(env.Stdout, "%s %s of the same two persons: %s too\n", noun, strings.Join(ids, ", "), done)
		}
		return nil
	})
}

func runReviewShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "review show")
	cfgPath := fs.String("config", "", "configuration `file`")
	asJSON := fs.Bool("json", false, "print the item, both records and the other items as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name one item id")
	}
	id, err := parseID("item id", fs.Arg(0))
	if err != nil {
		return err
	}
	return withResolver(ctx, env, *cfgPath, func(_ *config.Config, _ *pgxpool.Pool, r *identity.Resolver) error {
		c, err := r.ReviewCase(ctx, id)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(c)
		}
		return writeReviewCase(env.Stdout, c)
	})
}

// writeReviewCase prints a review item for a reviewer: what it is, the two records side by side with each
// attribute's level and weight as the item was raised, and what deciding it decides.
func writeReviewCase(w io.Writer, c identity.ReviewCase) error {
	it := c.Item
	head := fmt.Sprintf("item %d  %s  %s  score %.2f", it.ID, it.Reason, it.Status, it.Score)
	for _, r := range itemRules(it) {
		head += "  rule " + r
	}
	if it.PersonA != "" && it.PersonA == it.PersonB {
		head += "  one person now"
	}
	fmt.Fprintf(w, "%s\nraised %s; the records as stored now, the levels and weights as compared then\n\n",
		head, it.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\t%s\t%s\tlevel\tweight\n", it.A, it.B)
	fmt.Fprintf(tw, "person\t%s\t%s\t\t\n", it.PersonA, it.PersonB)
	for _, a := range it.Evidence.Attributes {
		weight := fmt.Sprintf("%+.2f", a.Weight)
		if a.Frequency != 0 {
			weight += fmt.Sprintf(" (%+.2f of it for how common the name is)", a.Frequency)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", attributeLabel(a.Attribute), orDash(attributeValue(&c.Records[0], a.Attribute)),
			orDash(attributeValue(&c.Records[1], a.Attribute)), a.Level, weight)
	}
	fmt.Fprintf(tw, "score\t\t\t\t%+.2f\n", it.Evidence.Score)
	if err := tw.Flush(); err != nil {
		return err
	}
	ids := []string{strconv.FormatInt(it.ID, 10)}
	if len(c.Others) > 0 {
		fmt.Fprintf(w, "\nthe same two persons, asked by other records:\n")
		for _, o := range c.Others {
			fmt.Fprintf(w, "  item %d  %s  score %.2f  %s  %s\n", o.ID, o.Reason, o.Score, o.A, o.B)
			ids = append(ids, strconv.FormatInt(o.ID, 10))
		}
	}
	if it.Status == identity.ReviewOpen {
		fmt.Fprintf(w, "\ndecide: ketenpoort review decide %d link|separate  (decides item %s)\n", it.ID, strings.Join(ids, ", "))
	}
	return nil
}

// itemRules returns the rules that made the item's comparison a possible match or a conflict rather than its
// score: the matcher's, then the resolver's (a twin's given names, another BSN in the person, ...).
func itemRules(it identity.ReviewItem) []string {
	var rules []string
	for _, r := range []string{string(it.Evidence.Rule), string(it.Evidence.PersonRule)} {
		if r != "" {
			rules = append(rules, r)
		}
	}
	return rules
}

// attributeLabel names an attribute of the evidence for people.
func attributeLabel(a string) string {
	switch a {
	case "givenNames":
		return "given names"
	case "birthDate":
		return "birth date"
	case "otherId":
		return "other numbers"
	}
	return a
}

// attributeValue returns what record p holds for attribute a of the evidence.
func attributeValue(p *canonical.Person, a string) string {
	ids := func(keep func(canonical.IdentifierScheme) bool) string {
		var out []string
		for _, id := range p.Identifiers {
			if !keep(id.Scheme) {
				continue
			}
			v := id.Value
			if id.Scheme != canonical.SchemeBSN && id.Scheme != canonical.SchemeSKN {
				v = string(id.Scheme) + " " + v
				if id.Issuer != "" {
					v += " (" + id.Issuer + ")"
				}
			}
			if id.Invalid {
				v += " (fails its check)"
			}
			out = append(out, v)
		}
		return strings.Join(out, "; ")
	}
	switch a {
	case "surname":
		s := strings.TrimSpace(p.Name.SurnamePrefix + " " + p.Name.Surname)
		if p.Name.PartnerSurname != "" {
			s += " (partner: " + strings.TrimSpace(p.Name.PartnerSurnamePrefix+" "+p.Name.PartnerSurname) + ")"
		}
		return s
	case "givenNames":
		if p.Name.GivenNames == "" && p.Name.Initials != "" {
			return p.Name.Initials + " (initials)"
		}
		return p.Name.GivenNames
	case "birthDate":
		if p.BirthDate == nil {
			return ""
		}
		return p.BirthDate.String()
	case "gender":
		return string(p.Gender)
	case "bsn":
		return ids(func(s canonical.IdentifierScheme) bool { return s == canonical.SchemeBSN })
	case "skn":
		return ids(func(s canonical.IdentifierScheme) bool { return s == canonical.SchemeSKN })
	case "otherId":
		return ids(func(s canonical.IdentifierScheme) bool { return s != canonical.SchemeBSN && s != canonical.SchemeSKN })
	case "address":
		var out []string
		for _, ad := range p.Addresses {
			house := ""
			if ad.HouseNumber != 0 {
				house = strconv.Itoa(ad.HouseNumber)
			}
			house += ad.HouseLetter
			if ad.HouseNumberAddition != "" {
				house += "-" + ad.HouseNumberAddition
			}
			street := strings.TrimSpace(ad.Street + " " + house)
			place := strings.TrimSpace(ad.Postcode + " " + ad.City)
			out = append(out, strings.Trim(street+", "+place, ", "))
		}
		return strings.Join(out, "; ")
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
