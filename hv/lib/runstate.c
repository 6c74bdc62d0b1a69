/* vCPU runstate accounting (see <lares/runstate.h>). */
#include <lares/runstate.h>

static u64 elapsed(const struct vcpu_runstate_info *r, s_time_t now)
{
    return (u64)now > r->state_entry_time ? (u64)now - r->state_entry_time : 0;
}

void runstate_init(struct vcpu_runstate_info *r, int state, s_time_t now)
{
    *r = (struct vcpu_runstate_info){.state = state, .state_entry_time = now > 0 ? (u64)now : 0};
}

void runstate_change(struct vcpu_runstate_info *r, int state, s_time_t now)
{
    u64 delta = elapsed(r, now);

    if ((unsigned int)state >= RUNSTATE_COUNT)
        return;
    r->time[r->state] += delta;
    r->state_entry_time += delta;
    r->state = state;
}

void runstate_snapshot(const struct vcpu_runstate_info *r, s_time_t now,
                       struct vcpu_runstate_info *out)
{
    *out = *r;
    out->time[r->state] += elapsed(r, now);
}

void runstate_to_compat(const struct vcpu_runstate_info *r, struct compat_runstate_info *c)
{
    c->state = (u32)r->state;
    c->state_entry_time = r->state_entry_time;
    for (unsigned int i = 0; i < RUNSTATE_COUNT; i++)
        c->time[i] = r->time[i];
}
