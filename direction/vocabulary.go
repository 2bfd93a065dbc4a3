package direction

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dfe-tools/directions/diag"
	"github.com/dfe-tools/directions/event"
	"github.com/dfe-tools/directions/internal/hooks"
	"github.com/dfe-tools/directions/internal/yamlx"
)

// vocabulary reads the direction's vocabulary key: a mapping written
// inline, or the path of a vocabulary file relative to the direction file.
func (p *parser) vocabulary(n *yaml.Node) *event.Vocabulary {
	doc := p.doc
	if n.Kind == yaml.MappingNode {
		return hooks.VocabularyFromYAML.(func(*yamlx.Doc, *yaml.Node, string) *event.Vocabulary)(doc, n, "vocabulary")
	}
	rel, ok := doc.Scalar(n, "vocabulary", "the path of a vocabulary file (such as ../vocabulary.yaml) or an inline mapping with event_types")
	if !ok {
		return nil
	}
	ext := strings.ToLower(filepath.Ext(rel))
	if filepath.IsAbs(rel) || (ext != ".yaml" && ext != ".yml") {
		doc.Errorf(n, "vocabulary", "vocabulary %q must be a relative path to a .yaml or .yml file, such as ../vocabulary.yaml", rel)
		return nil
	}
	path := filepath.Join(filepath.Dir(doc.File), filepath.FromSlash(rel))
	src, err := yamlx.ReadFile(path, yamlx.LimitsOf(p.opts.Limits))
	if err != nil {
		doc.Errorf(n, "vocabulary", "cannot read the vocabulary: %v", err)
		return nil
	}
	sum := sha256.Sum256(src)
	p.d.VocabularyFile, p.d.VocabularyDigest = path, hex.EncodeToString(sum[:])
	v, err := event.ParseVocabulary(path, src, p.opts.Limits)
	if err != nil {
		doc.Errorf(n, "vocabulary", "the vocabulary %s has errors (listed with it)", path)
		doc.Errs.Append(diag.Position{File: path}, err)
		return nil
	}
	return v
}

// VocabularyOf returns the vocabulary histories evaluated against dirs
// must use: all their vocabularies merged, when every one of them declares
// one, and nil otherwise (events for a direction without a vocabulary may
// be of any type).
func VocabularyOf(dirs ...*Direction) *event.Vocabulary {
	vs := make([]*event.Vocabulary, 0, len(dirs))
	for _, d := range dirs {
		if d.Vocabulary == nil {
			return nil
		}
		vs = append(vs, d.Vocabulary)
	}
	return event.Merge(vs...)
}
