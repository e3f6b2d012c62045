package fr.liaison.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    @Test
    void sharedCodecReadsInParallelWithTheSameResults() throws Exception {
        MessageCodec codec = MessageCodec.v1();
        List<String> names = Samples.valid().toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = IntStream.range(0, 200)
                    .mapToObj(i -> names.get(i % names.size()))
                    .map(name -> pool.submit(() -> {
                        ValidatedMessage m = codec.read(Samples.valid(name), Samples.formatOf(name));
                        return codec.validate(codec.toJson(m.message()), MessageFormat.JSON).isEmpty();
                    }))
                    .toList();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
