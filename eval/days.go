package eval

import (
	"context"
	"time"

	"github.com/uber/h3-go/v4"

	"routewatch/domain"
	"routewatch/jobs"
	"routewatch/scenario"
)

// evalJob is the job whose findings detect an event of each type.
var evalJob = map[string]domain.JobKind{
	scenario.EventHotspot:       domain.JobHotspots,
	scenario.EventEmergingRoute: domain.JobEmerging,
	scenario.EventMOShift:       domain.JobMOShift,
	scenario.EventDisplacement:  domain.JobDisplacement,
}

// refineDelays finds the day each detected event was first detected. A replay step only says
// that the event was found between the step before and this one; `serve` runs the jobs every
// few hours (--jobs-interval), so the delay analysts see is the first day in between on which
// the job finds it. For each detected event it replays that event's job as of every day after
// the previous step (and after the event's start), in order, until one detects the event.
// These extra runs only date detections: their findings are not scored for precision.
// replayed holds, for each replay step, the corridors' cells the step's jobs saw; a day uses
// its previous step's.
func refineDelays(ctx context.Context, r *jobs.Runner, rep *Report, m scenario.Manifest, replayed map[time.Time]map[string][]h3.Cell, opt Options) error {
	seen := map[string][]observation{} // by job and day: events of one type share their replays
	for i := range rep.Events {
		es := &rep.Events[i]
		kind := evalJob[es.Type]
		if !es.Detected || kind == "" {
			continue
		}
		e := eventOf(m, es.ID)
		prev := prevStep(*es.FirstStep, opt.Step)
		cells, ok := replayed[prev]
		if !ok { // the first replay step: its own corridors are the nearest
			cells = replayed[*es.FirstStep]
		}
		for d := later(prev, e.start).AddDate(0, 0, 1); d.Before(*es.FirstStep); d = d.AddDate(0, 0, 1) {
			key := string(kind) + d.Format(time.DateOnly)
			obs, ok := seen[key]
			if !ok {
				var err error
				if obs, err = evalRun(ctx, r, kind, d, cells, opt); err != nil {
					return err
				}
				seen[key] = obs
			}
			if detectedBy(e, obs) {
				delay := d.Sub(e.start).Hours() / 24
				es.FirstDay, es.DelayDays = &d, &delay
				break
			}
		}
	}
	rep.medianDelays()
	return nil
}

// eventOf is the manifest event with this id, ready for matching.
func eventOf(m scenario.Manifest, id string) event {
	for _, e := range m.Events {
		if e.ID == id {
			return newEvent(e)
		}
	}
	return event{}
}

func detectedBy(e event, obs []observation) bool {
	for _, o := range obs {
		if detects(e, o) {
			return true
		}
	}
	return false
}

func prevStep(t time.Time, step string) time.Time {
	if step == "week" {
		return t.AddDate(0, 0, -7)
	}
	return t.AddDate(0, -1, 0)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
