package summary

import "github.com/nodesim/nodesim/model"

// explanations are the lines that follow a point's sentence: each
// replayed event's absolute figures and why, or for incidents that
// arrive by a distribution, why they flip fewer nodes than their length
// suggests.
func explanations(p *model.Point) []string {
	var out []string
	for i := range p.Replays {
		x := &p.Replays[i]
		out = append(out, "Replayed, absolute figures: "+x.Sentence()+".")
		if why := x.Why(); why != "" {
			out = append(out, why)
		}
	}
	if len(p.Replays) == 0 {
		if s := p.UnknownWrites.WritesSentence(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
