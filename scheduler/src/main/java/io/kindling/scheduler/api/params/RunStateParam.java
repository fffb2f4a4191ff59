package io.kindling.scheduler.api.params;

import io.kindling.scheduler.model.RunState;

/** A run state filter ({@code ?state=failed}). */
public final class RunStateParam extends EnumParam<RunState> {
    public RunStateParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Class<RunState> type() {
        return RunState.class;
    }
}
