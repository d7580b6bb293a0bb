package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
	"gopkg.in/yaml.v3"

	"github.com/ketenpoort/ketenpoort/canonical"
	"github.com/ketenpoort/ketenpoort/pipelines/config"
	"github.com/ketenpoort/ketenpoort/pipelines/identity"
	"github.com/ketenpoort/ketenpoort/pipelines/identity/match"
)

func init() {
	register(&command{name: "identity train", usage: "[--config FILE] [--write] [--random-pairs N]",
		summary: "estimate the m/u weights from the stored records (EM, no ground truth); --write puts them in the config", run: runIdentityTrain})
}

func runIdentityTrain(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "identity train")
	cfgPath := fs.String("config", "", "configuration `file`; with --write the weights are written into it")
	write := fs.Bool("write", false, "write the weights into the --config file (identity.match.weights) instead of printing them")
	randomPairs := fs.Int("random-pairs", 200000, "random record pairs to estimate u from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *write && *cfgPath == "" {
		return usageError("--write needs --config FILE")
	}
	return withDatabase(ctx, env, *cfgPath, func(cfg *config.Config, pool *pgxpool.Pool) error {
		var persons []canonical.Person
		for p, err := range storedPersons(ctx, pool, nil) {
			if err != nil {
				return err
			}
			persons = append(persons, p)
		}
		w, reports, err := identity.Train(persons, identity.TrainOptions{RandomPairs: *randomPairs, Start: cfg.Identity.Match.Weights})
		if err != nil {
			return err
		}
		for i, r := range reports {
			fmt.Fprintf(env.Stderr, "session %s: %d pairs, %d iterations, converged %v, lambda %.3g\n",
				identity.TrainingSessions[min(i, len(identity.TrainingSessions)-1)].Key, r.Pairs, r.Iterations, r.Converged, r.Lambda)
		}
		fmt.Fprintf(env.Stderr, "trained on %d person records; prior lambda %.3g\n", len(persons), w.Lambda)
		if !*write {
			out, err := yaml.Marshal(map[string]any{"identity": map[string]any{"match": map[string]any{"weights": w}}})
			if err != nil {
				return err
			}
			_, err = env.Stdout.Write(out)
			return err
		}
		if err := writeWeights(*cfgPath, w); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "weights written to %s (identity.match.weights); the thresholds are unchanged\n", *cfgPath)
		return nil
	})
}

// writeWeights sets identity.match.weights in the YAML file at path, keeping the rest of the file (and its
// comments) as it is, and checks that the result is still a valid configuration before replacing the file.
func writeWeights(path string, w match.Weights) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: not a mapping of settings", path)
	}
	var wn yaml.Node
	if err := wn.Encode(w); err != nil {
		return err
	}
	node := root
	for _, key := range []string{"identity", "match"} {
		node = child(node, key)
	}
	setChild(node, "weights", &wn)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return err
	}
	if _, err := config.Parse(out); err != nil {
		return fmt.Errorf("trained weights do not make a valid configuration: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return err
	}
	return errors.Join(os.Rename(tmp, path))
}

// child returns the mapping under key in m, adding an empty one when missing.
func child(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.MappingNode {
			return m.Content[i+1]
		}
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	setChild(m, key, n)
	return n
}

// setChild sets key in m to v, replacing an existing value.
func setChild(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}
