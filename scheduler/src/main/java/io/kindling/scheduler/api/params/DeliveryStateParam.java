package io.kindling.scheduler.api.params;

import io.kindling.scheduler.db.AlertDelivery.DeliveryState;

/** An alert delivery state filter ({@code ?state=pending}). */
public final class DeliveryStateParam extends EnumParam<DeliveryState> {
    public DeliveryStateParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Class<DeliveryState> type() {
        return DeliveryState.class;
    }
}
