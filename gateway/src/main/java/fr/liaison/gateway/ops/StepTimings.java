package fr.liaison.gateway.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.springframework.stereotype.Component;

/**
 * Times every step of the exchange routes that carries an id ({@code outbound-seal},
 * {@code inbound-open}, {@code outbound-consent}...) as {@code liaison_step_duration_seconds{step}}:
 * the seal and open timings, and where a message spends its time.
 */
@Component
class StepTimings implements InterceptStrategy {

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    StepTimings(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        if (!(definition instanceof ProcessorDefinition<?> step) || !step.hasCustomIdAssigned()) {
            return target;
        }
        Timer timer = timers.computeIfAbsent(step.getId(), id -> Timer.builder("liaison.step.duration")
                .description("Time spent in one step of the exchange routes").tag("step", id).register(registry));
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                long start = System.nanoTime();
                return super.process(exchange, done -> {
                    timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                    callback.done(done);
                });
            }
        };
    }
}
