package io.vaxflow.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A load or timing test that cannot share the machine (it asserts answers within bounds while it
 * loads the server, or kills processes under load): surefire runs the classes tagged so after the
 * parallel forks, one at a time in one JVM (the {@code alone} execution in pom.xml). Every second
 * here adds to the suite's wall time: keep such tests few and short.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(Alone.TAG)
public @interface Alone {
  String TAG = "alone";
}
