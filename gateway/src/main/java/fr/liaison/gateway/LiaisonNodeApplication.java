package fr.liaison.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** A Liaison node: one participant's gateway. Started by {@code liaison node --participant ID}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class LiaisonNodeApplication {
}
