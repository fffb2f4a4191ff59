package io.kindling.scheduler.api.params;

import io.dropwizard.jersey.errors.ErrorMessage;
import io.dropwizard.jersey.params.AbstractParam;

/**
 * A query parameter parsed by Jersey before the resource method runs. An input it refuses answers 400 with the
 * API's error body, {@code {"code": 400, "message": ...}}, and the resource method is not called. Each subclass is
 * one kind of parameter, used by every resource that takes it.
 *
 * <p>A subclass needs the public {@code (String input, String name)} constructor: Dropwizard calls it with the
 * name from {@code @QueryParam}. With {@code @DefaultValue("")} an absent parameter parses as an empty one.
 */
public abstract class ApiParam<T> extends AbstractParam<T> {
    /** How Dropwizard names a query parameter ("query param limit"); messages use the bare name. */
    private static final String QUERY_PARAM = "query param ";

    private static final Exception NAME = new Exception("the parameter's name");

    protected ApiParam(String input, String name) {
        super(input, name);
    }

    /**
     * A refusal: in {@code message}, {@code {name}} stands for the parameter's name and {@code {input}} for the
     * input as given.
     */
    protected static IllegalArgumentException refused(String message) {
        return new Refused(message);
    }

    /** Only Dropwizard knows the name: it fills it in for "%s" (the message of {@link #NAME}). */
    @Override
    protected String errorMessage(Exception e) {
        return e == NAME ? "%s" : super.errorMessage(e);
    }

    /**
     * The message as the resources' hand-written checks wrote it, without Dropwizard's formatting, so an input
     * holding "%" is quoted as it is.
     */
    @Override
    protected ErrorMessage generateErrorMessage(String input, Exception e) {
        if (!(e instanceof Refused)) {
            return super.generateErrorMessage(input, e);
        }
        String name = super.generateErrorMessage(input, NAME).getMessage();
        if (name.startsWith(QUERY_PARAM)) {
            name = name.substring(QUERY_PARAM.length());
        }
        String message = e.getMessage().replace("{name}", name).replace("{input}", String.valueOf(input));
        return new ErrorMessage(getErrorStatus().getStatusCode(), message);
    }

    private static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }
}
