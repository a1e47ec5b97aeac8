package io.vaxflow.config;

import java.lang.annotation.*;

/**
 * A config value's default and, for a number, its range: on a component of a config record, or on a parameter of
 * the {@code @JsonCreator} factory of a record whose file shape differs from its components. {@link ConfigLoader}
 * reads these to lay the file over the defaults, to check every number and to say what is required, so each
 * setting is declared once, on the record that holds it. On a component whose type is a record it gives the
 * defaults of that record's values there (the buckets of {@link VaxflowConfig.Limits}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
public @interface Setting {

  /** The {@link #value} of a setting the file must give. */
  String REQUIRED = "(required)";

  /**
   * The default, as YAML: {@code 8080}, {@code Asia/Shanghai}, {@code "''"} (empty text), {@code [loopback]},
   * {@code {}}, {@code null} (absent: the record decides); {@link #REQUIRED} when the file must give it.
   */
  String value() default REQUIRED;

  /** The smallest value of a number; every number declares its range, a whole number by its type. */
  double min() default Double.NaN;

  /** The largest value of a number. */
  double max() default Double.NaN;
}
