package io.kindling.scheduler.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code webhooks:} entry is usable by its format: each of {@link WebhookConfig#problems()} becomes a violation on
 * its own field, so a bad config fails at start (and in {@code validate --config}) as
 * {@code webhooks[name].field message}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidWebhook.Check.class)
public @interface ValidWebhook {
    String message() default "webhook entry is not usable";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Reports each problem at its field. */
    final class Check implements ConstraintValidator<ValidWebhook, WebhookConfig> {
        @Override
        public boolean isValid(WebhookConfig webhook, ConstraintValidatorContext context) {
            if (webhook == null || webhook.problems().isEmpty()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            for (WebhookConfig.Problem problem : webhook.problems()) {
                context.buildConstraintViolationWithTemplate(escape(problem.message()))
                        .addPropertyNode(problem.field())
                        .addConstraintViolation();
            }
            return false;
        }

        /** Messages are Bean Validation templates: braces and $ from templates or addresses are text. */
        private static String escape(String message) {
            return message.replace("\\", "\\\\")
                    .replace("{", "\\{")
                    .replace("}", "\\}")
                    .replace("$", "\\$");
        }
    }
}
